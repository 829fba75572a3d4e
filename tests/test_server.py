"""``fitsm server``: a check run by the preloaded server prints exactly what it prints in-process.

Every run is the real ``fitsm`` program in a subprocess, in a real Git repository, against a real server
process (``fitsm server start``) whose socket lives in a private runtime directory of the test. Which side
ran a check is told by the server's count of checks (``fitsm server status``). Between the two runs of a
comparison the replay record and caches are removed, so both are full runs with the same environment.
Every test stops the servers it started and makes sure their processes are gone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from fitsm_kit.cli import handover, server, zygote

from conftest import EXAMPLES

BIN = Path(sys.executable).parent
FITSM = str(BIN / "fitsm")
PACKAGE = Path(server.__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not handover.supported(), reason="the server needs Linux")


@dataclass(frozen=True)
class Output:
    code: int
    out: bytes
    err: bytes


class Servers:
    """Runs ``fitsm`` with a private runtime directory; remembers every server it saw, to stop them."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.runtime = base / "run"
        self.runtime.mkdir(mode=0o700)
        (base / "tmp").mkdir(mode=0o700)
        self.pids: set[int] = set()

    def env(self, **extra: str) -> dict[str, str]:
        env = {"PATH": os.environ["PATH"], "HOME": str(self.base), "XDG_CONFIG_HOME": str(self.base / "config"),
               "XDG_RUNTIME_DIR": str(self.runtime), "TMPDIR": str(self.base / "tmp"),
               "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C.UTF-8",
               "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.org", "GIT_COMMITTER_NAME": "Ada",
               "GIT_COMMITTER_EMAIL": "ada@example.org"}
        env.update(extra)
        return {k: v for k, v in env.items() if v != "-"}  # "-" leaves a variable out

    def fitsm(self, cwd: Path, *args: str, **extra: str) -> Output:
        done = subprocess.run([FITSM, *args], cwd=cwd, env=self.env(**extra), capture_output=True, check=False,
                              timeout=120)
        return Output(done.returncode, done.stdout, done.stderr)

    def start(self, *args: str, **extra: str) -> int:
        done = self.fitsm(self.base, "server", "start", *args, **extra)
        assert done.code == 0, done
        pid = int(re.search(rb"pid (\d+)", done.out).group(1))  # type: ignore[union-attr]
        self.pids.add(pid)
        return pid

    def served(self, **extra: str) -> int | None:
        """The number of checks the server for this environment ran; None when none runs."""
        done = self.fitsm(self.base, "server", "status", **extra)
        found = re.search(rb"pid (\d+), since .*, (\d+) checks run", done.out)
        if found is None:
            assert done.code == 1, done
            return None
        assert done.code == 0
        self.pids.add(int(found.group(1)))
        return int(found.group(2))

    def stop(self) -> None:
        self.fitsm(self.base, "server", "stop")
        for pid in self.pids:
            gone(pid)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def gone(pid: int, within: float = 10.0) -> bool:
    """Wait for ``pid`` to end; kill it if it does not, and fail the test."""
    deadline = time.monotonic() + within
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)
        pytest.fail(f"server {pid} outlived its test")
    return True


@pytest.fixture
def servers() -> Iterator[Servers]:
    # not tmp_path: a Unix socket's path holds at most 107 bytes
    base = Path(tempfile.mkdtemp(prefix="fitsm-srv-", dir="/tmp"))
    s = Servers(base)
    try:
        yield s
    finally:
        s.stop()
        shutil.rmtree(base, ignore_errors=True)


def git(root: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def repo(servers: Servers, name: str = "acme") -> Path:
    """A bundled example in a Git repository (history rules on), committed, with one staged change."""
    root = servers.base / name
    shutil.copytree(EXAMPLES / name, root)
    env = servers.env()
    git(root, env, "init", "-q", "-b", "main")
    git(root, env, "add", "-A")
    git(root, env, "commit", "-q", "-m", "Import")
    target = root / "general" / "policy.yaml"
    target.write_text(target.read_text(encoding="utf-8") + "# staged\n", encoding="utf-8")
    git(root, env, "add", "-A")
    return root


def fresh(root: Path) -> None:
    """No replay record and no cache: the next check is a full run."""
    shutil.rmtree(root / ".git" / "fitsm-kit", ignore_errors=True)


def both(servers: Servers, cwd: Path, root: Path, *args: str, **extra: str) -> tuple[Output, Output]:
    """``fitsm ARGS`` in-process (no server), then the same with the server running: (in-process, served)."""
    assert servers.served(**extra) is None
    fresh(root)
    here = servers.fitsm(cwd, *args, **extra)
    servers.start(**extra)
    fresh(root)
    served = servers.fitsm(cwd, *args, **extra)
    assert servers.served(**extra) == 1, "the check did not run in the server"
    servers.stop()
    return here, served


@pytest.mark.parametrize("args", [
    ("check", "."),
    ("check", ".", "--format", "json"),
    ("check", ".", "--format", "sarif"),
    ("check", ".", "--select", "GR2"),
    ("check", ".", "--as-of", "2026-01-01"),
    ("check", ".", "--format", "nope"),  # a usage error
    ("check", ".", "--matrix"),
])  # help (`fitsm check --help`) is not handed over: it is replayed from its record (tests/test_help_replay.py)
def test_a_served_check_prints_and_exits_as_in_process(servers: Servers, args: tuple[str, ...]) -> None:
    root = repo(servers)
    here, served = both(servers, root, root, *args)
    assert served == here
    assert here.out or here.err
    if "nope" in args:
        assert here.code == 2 and b"nope" in here.err


def test_findings_and_an_unparseable_file_are_the_same_in_the_server(servers: Servers) -> None:
    root = repo(servers, "acme-broken")
    (root / "general" / "broken.yaml").write_text("kind: Policy\nid: [unclosed\n", encoding="utf-8")
    here, served = both(servers, root, root, "check", ".")
    assert served == here
    assert here.code == 1 and b"broken.yaml" in here.out


def test_the_environment_the_working_directory_and_relative_paths_reach_the_run(servers: Servers) -> None:
    root = repo(servers)
    here, served = both(servers, root / "general", root, "check", "..", GITHUB_ACTIONS="true")
    assert served == here
    assert here.out.startswith(b"::"), here.out[:200]  # GitHub annotations, chosen by the environment
    here, served = both(servers, root, root, "check", ".", FORCE_COLOR="1", TERM="xterm-256color")
    assert served == here
    assert b"\x1b[1;31m" in here.out  # coloured, as FORCE_COLOR asks
    here, served = both(servers, root, root, "check", ".", FORCE_COLOR="1", NO_COLOR="1", TERM="xterm-256color")
    assert served == here
    assert b"\x1b[1m" in here.out and b"\x1b[1;31m" not in here.out  # bold, but no colour


def test_a_report_written_with_a_relative_output_path_lands_in_the_client_s_directory(servers: Servers) -> None:
    root = repo(servers)
    for name, start in (("here.json", False), ("served.json", True)):
        if start:
            servers.start()
        fresh(root)
        done = servers.fitsm(root / "general", "check", "..", "--format", "json", "--output", f"../{name}")
        assert done.code == 1 and done.out == b""
    assert servers.served() == 1
    assert (root / "served.json").read_bytes() == (root / "here.json").read_bytes()
    assert oct((root / "served.json").stat().st_mode & 0o777) == oct((root / "here.json").stat().st_mode & 0o777)


def test_a_terminal_is_the_client_s_terminal(servers: Servers) -> None:
    """Standard output on a pseudo-terminal 100 columns wide: the matrix is laid out for it, in colour."""
    import fcntl
    import struct
    import termios

    root = repo(servers)

    def on_terminal() -> bytes:
        fresh(root)
        leader, follower = os.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
        proc = subprocess.Popen([FITSM, "check", ".", "--matrix"], cwd=root,
                                env=servers.env(TERM="xterm-256color"), stdout=follower, stderr=subprocess.DEVNULL)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other side is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=60)
        os.close(leader)
        return b"".join(chunks)

    here = on_terminal()
    servers.start(TERM="xterm-256color")
    served = on_terminal()
    assert servers.served(TERM="xterm-256color") == 1
    assert served == here
    assert b"\x1b[" in here


def test_the_served_run_records_its_output_for_the_next_replay(servers: Servers) -> None:
    root = repo(servers)
    servers.start()
    fresh(root)
    first = servers.fitsm(root, "check", ".")
    assert servers.served() == 1
    again = servers.fitsm(root, "check", ".")
    assert again == first
    assert servers.served() == 1  # replayed by the client: the server was not asked


def catches(pid: int, signum: int) -> bool:
    """Whether process ``pid`` has a handler for ``signum`` (SigCgt in /proc/PID/status)."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    caught = int(re.search(r"^SigCgt:\s*([0-9a-f]+)", status, re.M).group(1), 16)  # type: ignore[union-attr]
    return bool(caught & (1 << (signum - 1)))


def start_client(servers: Servers, root: Path, sigint: signal.Handlers) -> subprocess.Popen[bytes]:
    """``fitsm check . --format sarif`` with SIGINT set to ``sigint`` whatever the test runner inherited (a CI
    runner may start it with SIGINT ignored, as a shell does for a background job), once handed over."""
    proc = subprocess.Popen([FITSM, "check", ".", "--format", "sarif"], cwd=root, env=servers.env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, sigint))
    deadline = time.monotonic() + 60
    while not catches(proc.pid, signal.SIGTERM) and time.monotonic() < deadline:
        time.sleep(0.01)
    return proc


def test_signals_reach_the_run(servers: Servers) -> None:
    """Ctrl-C and SIGTERM sent to the client, once it has handed the check over (it then catches SIGTERM to
    pass it on), reach the run in the server, which ends as it would in-process: SIGINT is exit 130 (or,
    while the run still imports the command line, death by SIGINT as Python ends a program), SIGTERM kills
    it, and then the client, by that signal. The run's SARIF is larger than the unread pipe holds."""
    root = repo(servers, "acme-broken")
    servers.start()
    for signum, expected in ((signal.SIGINT, (130, -signal.SIGINT)), (signal.SIGTERM, (-signal.SIGTERM,))):
        fresh(root)
        proc = start_client(servers, root, signal.SIG_DFL)
        proc.send_signal(signum)
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode in expected
        assert out.startswith(b"{") or out == b""
    assert servers.served() == 2


def test_an_ignored_ctrl_c_stays_ignored_in_the_run(servers: Servers) -> None:
    """A client started with SIGINT ignored (a background job of a shell, some CI runners) neither passes a
    Ctrl-C on nor has its run stop for one: the check ends with its findings and whole SARIF, as in-process."""
    root = repo(servers, "acme-broken")
    servers.start()
    fresh(root)
    proc = start_client(servers, root, signal.SIG_IGN)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert json.loads(out)["runs"][0]["results"]
    assert servers.served() == 1


def test_a_server_for_other_python_settings_is_not_used(servers: Servers) -> None:
    root = repo(servers)
    servers.start()
    fresh(root)
    other = servers.fitsm(root, "check", ".", PYTHONWARNINGS="ignore")
    assert servers.served() == 0
    assert servers.served(PYTHONWARNINGS="ignore") is None
    fresh(root)
    assert servers.fitsm(root, "check", ".", PYTHONWARNINGS="ignore") == other
    assert servers.served() == 0


def test_a_server_for_old_code_is_not_used_and_exits(servers: Servers) -> None:
    """A file added to the installed package changes its fingerprint: clients no longer find the server,
    and it exits by itself."""
    root = repo(servers)
    pid = servers.start()
    fresh(root)
    before = servers.fitsm(root, "check", ".")
    extra = PACKAGE / f"_test_server_{os.getpid()}.txt"
    extra.write_text("changes the code fingerprint\n", encoding="utf-8")
    try:
        fresh(root)
        after = servers.fitsm(root, "check", ".")
        assert after == before
        assert servers.served() is None  # the server this code would use does not exist
        assert gone(pid, within=zygote.CHECK_EVERY + 10)
    finally:
        extra.unlink()


def test_a_killed_server_or_a_file_left_behind_means_an_in_process_run(servers: Servers) -> None:
    root = repo(servers)
    fresh(root)
    expected = servers.fitsm(root, "check", ".")
    pid = servers.start()
    os.kill(pid, signal.SIGKILL)
    gone(pid)
    sockets = list((servers.runtime / "fitsm-kit").glob("*.sock"))
    assert len(sockets) == 1  # left behind
    fresh(root)
    assert servers.fitsm(root, "check", ".") == expected
    sockets[0].unlink()
    sockets[0].write_text("not a socket\n", encoding="utf-8")
    fresh(root)
    assert servers.fitsm(root, "check", ".") == expected
    assert servers.fitsm(servers.base, "server", "stop").out == b"no fitsm server was running\n"
    assert not sockets[0].exists()  # nobody held it: removed
    servers.start()  # and a new one starts in its place
    fresh(root)
    assert servers.fitsm(root, "check", ".") == expected
    assert servers.served() == 1


def test_a_closed_standard_output_runs_in_process(servers: Servers) -> None:
    root = repo(servers)
    servers.start()
    fresh(root)
    done = subprocess.run(["sh", "-c", f"exec '{FITSM}' check . >&-"], cwd=root, env=servers.env(),
                          capture_output=True, check=False)
    assert done.returncode == 2 and b"standard output" in done.stderr
    assert servers.served() == 0


@pytest.mark.parametrize("how", ["mode", "symlink", "owner", "runtime-not-private"])
def test_a_socket_directory_that_is_not_private_is_refused(servers: Servers, how: str) -> None:
    root = repo(servers)
    fresh(root)
    expected = servers.fitsm(root, "check", ".")
    directory = servers.runtime / "fitsm-kit"
    if how == "mode":
        directory.mkdir(mode=0o755)
        directory.chmod(0o755)
    elif how == "symlink":
        elsewhere = servers.base / "elsewhere"
        elsewhere.mkdir(mode=0o700)
        directory.symlink_to(elsewhere)
    elif how == "owner":
        if os.getuid() != 0:
            pytest.skip("giving a directory to another user needs root")
        directory.mkdir(mode=0o700)
        os.chown(directory, 65534, 65534)
    else:  # a runtime directory others may enter is not used; the temporary directory's must be private too
        servers.runtime.chmod(0o755)
        (servers.base / "tmp" / f"fitsm-kit-{os.getuid()}").mkdir(mode=0o777)
        (servers.base / "tmp" / f"fitsm-kit-{os.getuid()}").chmod(0o777)
    done = servers.fitsm(servers.base, "server", "start")
    assert done.code == 2, done
    assert b"refusing to use the server's socket directory" in done.err
    assert re.search(rb"has mode (755|777)|is not a directory|belongs to user 65534", done.err), done.err
    fresh(root)
    assert servers.fitsm(root, "check", ".") == expected


def test_status_and_stop_without_a_server(servers: Servers) -> None:
    done = servers.fitsm(servers.base, "server", "status")
    assert done.code == 1 and done.out.startswith(b"no fitsm server is running")
    done = servers.fitsm(servers.base, "server", "stop")
    assert done == Output(0, b"no fitsm server was running\n", b"")


def test_start_twice_stop_and_status(servers: Servers) -> None:
    pid = servers.start()
    again = servers.fitsm(servers.base, "server", "start")
    assert again == Output(0, f"fitsm server already running (pid {pid})\n".encode(), b"")
    assert servers.served() == 0
    done = servers.fitsm(servers.base, "server", "stop")
    assert done == Output(0, f"fitsm server stopped (pid {pid})\n".encode(), b"")
    assert not alive(pid)
    assert servers.served() is None


def test_an_idle_server_exits(servers: Servers) -> None:
    pid = servers.start("--idle", "0.01")  # 0.6 seconds
    assert gone(pid)
    assert servers.served() is None


def test_the_server_is_detached(servers: Servers) -> None:
    """Its own session, standard streams on /dev/null: a pre-commit run or CI step never waits on it."""
    done = subprocess.run([FITSM, "server", "start"], cwd=servers.base, env=servers.env(), capture_output=True,
                          timeout=60, check=True)  # returns: the server holds none of its pipes
    pid = int(re.search(rb"pid (\d+)", done.stdout).group(1))  # type: ignore[union-attr]
    servers.pids.add(pid)
    assert os.getsid(pid) == pid
    for fd in (0, 1, 2):
        assert os.readlink(f"/proc/{pid}/fd/{fd}") == "/dev/null"
    held = sorted(re.sub(r"socket:.*", "socket", re.sub(r".*\.lock$", "lock", os.readlink(f"/proc/{pid}/fd/{n}")))
                  for n in os.listdir(f"/proc/{pid}/fd"))
    assert held == ["/dev/null"] * 3 + ["lock", "socket"]  # no pipe or terminal of whoever started it
    assert os.readlink(f"/proc/{pid}/cwd") == "/"


def test_the_preload_reads_no_terminal_and_imports_no_console() -> None:
    """What the server imports creates no console (fitsm_kit.cli.common) and reads no environment but
    the variables it records; a normal check imports little beyond it."""
    code = ("import sys, json; from fitsm_kit.cli import zygote; env = zygote.preload(); "
            "print(json.dumps([env, sorted(sys.modules)]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    import json

    env, modules = json.loads(done.stdout)
    assert "*" not in env
    assert not [m for m in modules if m.startswith("fitsm_kit.cli.") and m not in (
        "fitsm_kit.cli.handover", "fitsm_kit.cli.zygote", "fitsm_kit.cli.fast")]
    assert "typer.rich_utils" not in modules


def test_a_served_check_imports_only_the_cli_beyond_the_preload(servers: Servers) -> None:
    """The run's own imports (PYTHONPROFILEIMPORTTIME lists them on its standard error) are fitsm_kit.cli,
    which is not preloaded on purpose: whatever else a check needs is in PRELOAD, paid once."""
    root = repo(servers)
    servers.start(PYTHONPROFILEIMPORTTIME="1")
    fresh(root)
    done = servers.fitsm(root, "check", ".", PYTHONPROFILEIMPORTTIME="1")
    assert servers.served(PYTHONPROFILEIMPORTTIME="1") == 1
    lines = done.err.decode().splitlines()
    names = [line.rsplit("|", 1)[-1].strip() for line in lines if line.startswith("import time:")]
    imported = names[names.index("socket") + 1:]  # the client's last import is socket, to hand over
    assert "fitsm_kit.cli.application" in imported
    assert all(m.startswith("fitsm_kit.cli.") for m in imported), imported
