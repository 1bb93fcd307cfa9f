"""One connection per cluster for the commands that read clusters (check --live, suggest
--live, snapshot, doctor), opened on first use with the authentication the command line
or the configuration's [live] table says, closed at the end of the run."""

from __future__ import annotations


class Connections:
    """`connections(url)` -> the schemacheck.kusto.live.Cluster of that cluster (the same one
    for every table of the run); a context manager that closes them all."""

    def __init__(self, options, session) -> None:
        import threading

        self.options = options
        self.session = session
        self.open: dict = {}
        self._lock = threading.Lock()   # a scan of deployed jobs asks from several threads

    def __call__(self, url: str):
        from schemacheck.kusto.live import engine_url

        key = engine_url(url)[0]
        with self._lock:
            return self._connection(url, key)

    def _connection(self, url: str, key: str):
        from schemacheck.kusto.live import Cluster

        if key not in self.open:
            from schemacheck.config import find_config

            def prompt(verification_uri, user_code, expires_on):
                self.session.err.write(f"schemacheck: to sign in, open {verification_uri} and enter the code "
                                       f"{user_code}\n")

            live = find_config(self.options.paths[0] if self.options.paths else ".", self.session.configs).live
            auth = self.options.auth or live.auth or "default"
            timeout = self.options.timeout or live.timeout or 30.0
            cluster = Cluster(url, auth, dict(self.session.environ), timeout, prompt=prompt)
            if cluster.note:
                self.session.note(cluster.note)
            self.open[key] = cluster
        return self.open[key]

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        for cluster in self.open.values():
            cluster.close()


def live_settings(options, session):
    """The [live] table of the configuration that applies (the first PATH's, else the
    working directory's)."""
    from schemacheck.config import find_config

    paths = getattr(options, "paths", None)
    return find_config(paths[0] if paths else ".", session.configs).live


def open_arm(options, session):
    """The schemacheck.deployed.arm.Arm the options and the configuration's [live] table say."""
    from schemacheck.deployed.arm import Arm

    live = live_settings(options, session)

    def prompt(verification_uri, user_code, expires_on):
        session.err.write(f"schemacheck: to sign in, open {verification_uri} and enter the code {user_code}\n")

    return Arm(options.arm_endpoint or live.arm_endpoint, options.auth or live.auth or "default",
               dict(session.environ), options.timeout or live.timeout or 30.0, prompt=prompt)

