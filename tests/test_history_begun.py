"""On a result-cache miss, ``fitsm check`` begins reading Git history before it imports the models and rules
(on a long history the forked reader is what a cold check waits for), and that changes nothing it reports.

The real ``fitsm`` program runs in a subprocess on a bundled example in a real Git repository, once with
``reading.start`` wrapped to record what was imported when it was called.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from test_replay import env, example_repo

# fitsm, with reading.start wrapped to write to standard error which stages were imported when it began
WRAPPED = """
import sys
from fitsm_kit.gitcontrol import reading
begin = reading.start
def start(*args, **kwargs):
    loaded = sorted(m for m in ("fitsm_kit.rules", "fitsm_kit.engine.run", "fitsm_kit.model.kinds") if m in sys.modules)
    print("begun with", loaded, file=sys.stderr)
    return begin(*args, **kwargs)
reading.start = start
from fitsm_kit.cli import run
sys.argv = ["fitsm", *sys.argv[1:]]
run()
"""


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in env(root.parent).items() if k != "PYTHONPROFILEIMPORTTIME"}
    return subprocess.run([sys.executable, "-c", WRAPPED, "check", *args], cwd=root, env=environment,
                          capture_output=True, text=True, check=False)


def test_history_begins_before_models_and_rules_are_imported(tmp_path: Path) -> None:
    repo = example_repo(tmp_path, "acme")
    cold = run(repo, "--no-cache")
    assert "begun with []" in cold.stderr.splitlines()
    assert cold.returncode == 1 and "approved-in-git" in cold.stdout  # history was read and used
    # --select narrows the rules: history begins only when a selected rule needs it, after the imports; every
    # requirement selected is the same check, so the same report
    narrowed = run(repo, "--no-cache", "--select", "GR", "--select", "PR")
    begun = [line for line in narrowed.stderr.splitlines() if line.startswith("begun with")]
    assert begun and begun[0] != "begun with []"
    assert (narrowed.returncode, narrowed.stdout) == (cold.returncode, cold.stdout)
    assert [line for line in narrowed.stderr.splitlines() if not line.startswith("begun with")] == \
        [line for line in cold.stderr.splitlines() if not line.startswith("begun with")]
