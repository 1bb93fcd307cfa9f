"""One module per command of the command line, each with `run(options, session) -> exit code`."""
