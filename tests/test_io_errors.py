"""Every I/O problem is exit 2 with a one-line message naming the path and the cause; exit 3 is for bugs.

The commands run as real subprocesses. Tests run as root here, and root ignores permissions, so the
permission cases run fitsm in a new user namespace (``unshare --user``): there it keeps its user id but
loses the capability to override file permissions, exactly as an ordinary user. Where that cannot be
done they are skipped, saying why. ``/dev/full`` fails every write, for root too.
"""

from __future__ import annotations

import functools
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES

PYTHON = [sys.executable, "-m", "fitsm_kit"]


@functools.cache
def unprivileged() -> list[str]:
    """The prefix that runs a command without the power to ignore file permissions (skip if none works)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("unshare") is None:
        pytest.skip("running as root and unshare(1) is missing: permission errors cannot be produced")
    probe = Path(os.environ.get("TMPDIR", "/tmp")) / f"fitsm-probe-{os.getpid()}"
    probe.write_text("x")
    probe.chmod(0)
    try:
        done = subprocess.run(["unshare", "--user", "cat", str(probe)], capture_output=True, check=False)
    finally:
        probe.unlink()
    if done.returncode == 0:
        pytest.skip("running as root and 'unshare --user' does not drop the permission override here")
    return ["unshare", "--user"]


def env(home: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "XDG_", "GITHUB_"))}
    return {**clean, "HOME": str(home), "NO_COLOR": "1", "COLUMNS": "200"}


def fitsm(*args: object, cwd: Path, home: Path, drop: bool = False, stdout: object = subprocess.PIPE,
          shell_prefix: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [*(unprivileged() if drop else []), *(shell_prefix or []), *PYTHON, *map(str, args)]
    return subprocess.run(command, cwd=cwd, env=env(home), stdout=stdout, stderr=subprocess.PIPE, text=True,
                          check=False, stdin=subprocess.DEVNULL, timeout=300)


def assert_usage_error(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("fitsm: error:")]
    assert len(lines) == 1, done.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


def read_only(tree: Path) -> None:
    for path in [tree, *tree.rglob("*")]:
        if not path.is_symlink():
            mode = path.stat().st_mode
            path.chmod(stat.S_IMODE(mode) & ~0o222)


@pytest.fixture
def sms(tmp_path: Path) -> Path:
    root = tmp_path / "sms"
    shutil.copytree(EXAMPLES / "acme", root)
    (tmp_path / "home").mkdir()
    return root


def writers(root: Path) -> list[tuple[str, list[object]]]:
    """Every command that writes a file, aimed at the SMS ``root`` (or beside it, for init)."""
    data = root / "measurements"
    return [
        ("init", ["init", root.parent / "ro" / "new-sms", "--no-input"]),
        ("new", ["new", "service", "svc-x", "--no-input", "--sms", root]),
        ("review", ["review", "sla-default", "--by", "carla-rossi", "--on", "2026-11-20", "--sms", root]),
        ("evaluate", ["evaluate", root, "--period", "2026-10", "--outages", data / "outages-2026-10.csv"]),
        ("report", ["report", "report-sla-quarterly", "--sms", root, "--period", "2026-10"]),
        ("codeowners", ["codeowners", root]),
        ("render", ["render", root]),
        ("check -o", ["check", root, "-o", root / "findings.txt"]),
        ("schema --write", ["schema", "--write", root / "schemas-copy"]),
    ]


def test_every_writing_command_in_a_read_only_directory_is_exit_2(sms: Path) -> None:
    home = sms.parent / "home"
    (sms.parent / "ro").mkdir()
    read_only(sms)
    read_only(sms.parent / "ro")
    for name, args in writers(sms):
        done = fitsm(*args, cwd=sms.parent, home=home, drop=True)
        assert_usage_error(done, "Permission denied")
        assert str(sms.parent) in done.stderr, (name, done.stderr)  # the path is named


@functools.cache
def read_only_mount() -> list[str]:
    """A prefix that runs a command with its first argument's directory mounted read-only (skip if none)."""
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        pytest.skip("unshare(1) or mount(8) is missing: a read-only file system cannot be made")
    script = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"'
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script, "sh", "/tmp", "true"], capture_output=True,
                          check=False)
    if done.returncode != 0:
        pytest.skip(f"no read-only bind mount in a user namespace here: {done.stderr.decode().strip()}")
    return ["unshare", "-rm", "sh", "-c", script, "sh"]


def test_every_writing_command_on_a_read_only_file_system_is_exit_2(sms: Path) -> None:
    home = sms.parent / "home"
    (sms.parent / "ro").mkdir()
    for name, args in writers(sms):
        done = fitsm(*args, cwd=sms.parent, home=home, shell_prefix=[*read_only_mount(), str(sms.parent)])
        assert_usage_error(done, "Read-only file system")
        assert str(sms.parent) in done.stderr, (name, done.stderr)


def test_every_printing_command_with_a_full_stdout_is_exit_2(sms: Path) -> None:
    home = sms.parent / "home"
    commands = [["check", sms], ["status", sms], ["rules"], ["explain", "PR2.2"], ["schema", "SLA"],
                ["assess", sms], ["evaluate", sms, "--period", "2026-10", "--dry-run"],
                ["codeowners", sms, "--stdout"], ["--version"], ["check", sms, "--format", "json"]]
    for args in commands:
        with open("/dev/full", "w") as full:
            done = fitsm(*args, cwd=sms.parent, home=home, stdout=full)
        assert_usage_error(done, "standard output", "No space left on device")


def test_a_closed_stdout_is_exit_2(sms: Path) -> None:
    done = fitsm("check", sms, cwd=sms.parent, home=sms.parent / "home",
                 shell_prefix=["sh", "-c", 'exec "$@" >&-', "sh"])
    assert_usage_error(done, "standard output")


def test_an_unwritable_cache_is_skipped_with_a_notice(sms: Path) -> None:
    home = sms.parent / "home"
    cache = home / ".cache" / "fitsm-kit"
    cache.mkdir(parents=True)
    for mode in (0o555, 0o000):
        cache.chmod(mode)
        done = fitsm("check", sms, cwd=sms.parent, home=home, drop=True)
        assert done.returncode == 0, done.stderr  # the example is clean: the check itself is unaffected
        assert "the result cache was skipped" in done.stderr and "Permission denied" in done.stderr
    cache.chmod(0o755)


def test_an_unreadable_directory_is_named_and_exit_2_without_follow_on_findings(sms: Path) -> None:
    (sms / "agreements").chmod(0)
    try:
        done = fitsm("check", sms, cwd=sms.parent, home=sms.parent / "home", drop=True)
    finally:
        (sms / "agreements").chmod(0o755)
    assert_usage_error(done, "agreements", "Permission denied")
    assert "does not name" not in done.stdout + done.stderr and done.stdout == ""


def test_an_unreadable_file_is_named_and_exit_2(sms: Path) -> None:
    (sms / "general" / "policy.yaml").chmod(0)
    for command in (["check", sms], ["render", sms, "--out", sms.parent / "site"], ["status", sms]):
        done = fitsm(*command, cwd=sms.parent, home=sms.parent / "home", drop=True)
        assert_usage_error(done, "general/policy.yaml", "Permission denied")
    assert not (sms.parent / "site").exists()


def test_a_placeholder_time_far_in_the_future_is_exit_2(sms: Path) -> None:
    tickets = sms.parent / "tickets.csv"
    tickets.write_text("id,service,priority,opened,first_response,resolved\n"
                       "T-1,cloud-compute,high,2026-10-05T10:00,2026-10-05T11:00,9999-12-31T23:59\n")
    done = fitsm("evaluate", sms, "--period", "2026-10", "--tickets", tickets, "--timezone", "UTC", cwd=sms.parent,
                 home=sms.parent / "home")
    assert_usage_error(done, "tickets.csv:2", "9999-12-31")
    assert not list((sms / "records").glob("eval-*-2026-10.yaml"))
