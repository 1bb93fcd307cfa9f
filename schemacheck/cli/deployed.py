"""The deployed jobs a command line names (--job, --subscription, --resource-group,
--deployed-file), read from Azure Resource Manager or the saved answers, with progress on a
terminal. Shared by check --deployed, drift and doctor --deployed."""

from __future__ import annotations


def wants_deployed(options) -> bool:
    """Whether the options ask for deployed jobs."""
    return bool(getattr(options, "deployed", False) or getattr(options, "deployed_file", None)
                or getattr(options, "job", None) or getattr(options, "subscription", None)
                or getattr(options, "resource_group", None))


def concurrency(options) -> int:
    from schemacheck.deployed.scan import DEFAULT_CONCURRENCY

    return getattr(options, "concurrency", None) or DEFAULT_CONCURRENCY


class Progress:
    """`progress(done, total)` writes "N of M jobs <verb>" over itself on a terminal; nothing
    elsewhere (a CI log gets the final table, not a line per job)."""

    def __init__(self, session, verb: str) -> None:
        from schemacheck.cli.output import is_terminal

        self.session = session
        self.verb = verb
        self.shown = is_terminal(session.err)
        self.dirty = False

    def __call__(self, done: int, total: int) -> None:
        if self.shown and total > 1:
            self.session.err.write(f"\rschemacheck: {done} of {total} jobs {self.verb}")
            self.session.err.flush()
            self.dirty = True

    def end(self) -> None:
        if self.dirty:
            self.session.err.write("\n")
            self.dirty = False


def read_deployed(options, session) -> list:
    """The Deployed and Unreachable jobs the options name."""
    from schemacheck.deployed.scan import read_files, read_jobs, selection

    wanted = selection(getattr(options, "job", None), getattr(options, "subscription", None),
                       getattr(options, "resource_group", None), getattr(options, "deployed_file", None))
    if wanted.files:
        return list(read_files(wanted.files))
    from schemacheck.cli.live import open_arm

    with open_arm(options, session) as arm:
        jobs = read_jobs(arm, wanted, concurrency(options))
    if not jobs:
        session.warning(f"no streaming job deployed in {wanted.describe()}")
    return jobs


def sources_of(jobs) -> dict:
    """Query texts of deployed jobs by the name reports give their query (their resource id):
    there is no file to read a snippet from."""
    from schemacheck.deployed.resource import Deployed

    return {j.job.query.file: j.job.query.text for j in jobs if isinstance(j, Deployed) and j.job.query}
