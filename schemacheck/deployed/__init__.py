"""Deployed jobs: streaming jobs read from Azure Resource Manager (ARM), checked against
their live tables (`check --deployed`), compared with the repository (`drift`), and the
identity `doctor` looks for. Imported only by those commands; the client needs
azure-core (and azure-identity unless `--auth none`): `pip install 'schemacheck[live]'`."""
