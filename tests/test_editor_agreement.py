"""The real yaml-language-server (from npm) and ``fitsm check`` agree on the same documents.

Documents made by ``fitsm new`` (every kind) and a few mutations of them (the mistakes and non-mistakes
that made the two disagree in issue 15) are written into a copy of examples/acme; the server is driven
over stdio with LSP (initialize, didOpen, publishDiagnostics) with each document's modeline pointing at
the SMS's own schema copy, and ``fitsm check`` runs on the same SMS. For every document: the editor shows a
schema error exactly when the checker reports a ``schema`` or ``evidence-field`` finding in it.

Where the two legitimately differ they are kept apart here, each named in ``KNOWN``: an evidence field
left out is required in the schema (editors flag it as missing) and reported by the checker under its
requirement (rule ``evidence-field``), so it agrees; what the checker reports only as a rule finding
(``placeholder-text``, a dangling reference) is no schema matter and not compared.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fitsm_kit.engine.run import check
from fitsm_kit.model import schemas
from fitsm_kit.model.kinds import KINDS
from fitsm_kit.sms.config import load_config

from conftest import EXAMPLES, Run

YLS_VERSION = "2.0.0"  # pinned, so that a new release cannot change the verdict unnoticed
SCHEMA_RULES = {"schema", "evidence-field", "document-shape", "unknown-kind", "yaml-syntax"}
TIMEOUT = 30.0


def _install(directory: Path) -> Path:
    """yaml-language-server from npm into ``directory``; the path of its entry point."""
    entry = directory / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
    if entry.is_file():
        return entry
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed to run the real yaml-language-server (apt-get install nodejs npm)")
    directory.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(directory),
                           f"yaml-language-server@{YLS_VERSION}"], capture_output=True, text=True, timeout=300,
                          check=False)
    if done.returncode != 0:
        pytest.skip(f"npm could not install yaml-language-server@{YLS_VERSION}: {done.stderr.strip()[-300:]}")
    return entry


class Server:
    """A yaml-language-server process spoken to over stdio (LSP base protocol: Content-Length framing)."""

    def __init__(self, entry: Path, root: Path) -> None:
        self.proc = subprocess.Popen(["node", str(entry), "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.next_id = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        settings = {"yaml": {"validate": True, "hover": True, "completion": True, "schemaStore": {"enable": False},
                             "format": {"enable": False}}}
        self.settings = settings
        self.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {
            "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": False}},
            "textDocument": {"publishDiagnostics": {}, "hover": {"contentFormat": ["plaintext", "markdown"]}}}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": settings})

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            self.messages.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        self._send({"id": self.next_id, "method": method, "params": params})
        for message in self._incoming():
            if message.get("id") == self.next_id and "method" not in message:
                return message.get("result")
        raise AssertionError(f"no answer to {method}")

    def _incoming(self, until: float | None = None) -> Iterator[dict[str, Any]]:
        """Messages as they come, answering the server's own requests (configuration, registrations)."""
        deadline = time.monotonic() + TIMEOUT if until is None else until
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = self.messages.get(timeout=left)
            except queue.Empty:
                return
            if "method" in message and "id" in message:
                items = (message.get("params") or {}).get("items", [])
                result = [self.settings["yaml"] for _ in items] if message["method"] == "workspace/configuration" \
                    else None
                self._send({"id": message["id"], "result": result})
                continue
            yield message

    def diagnostics(self, paths: list[Path]) -> dict[Path, list[dict[str, Any]]]:
        """Open each document and wait until the server has published diagnostics for all of them."""
        by_uri = {p.as_uri(): p for p in paths}
        for path in paths:
            self.notify("textDocument/didOpen", {"textDocument": {
                "uri": path.as_uri(), "languageId": "yaml", "version": 1, "text": path.read_text(encoding="utf-8")}})
        found: dict[Path, list[dict[str, Any]]] = {}
        deadline = time.monotonic() + TIMEOUT
        for message in self._incoming(deadline):
            if message.get("method") == "textDocument/publishDiagnostics":
                uri = message["params"]["uri"]
                if uri in by_uri:
                    found[by_uri[uri]] = message["params"]["diagnostics"]  # the latest replaces earlier ones
            if len(found) == len(paths):
                # the server may publish again once a schema has loaded: take what comes in a short while
                for late in self._incoming(time.monotonic() + 1.0):
                    if late.get("method") == "textDocument/publishDiagnostics" and late["params"]["uri"] in by_uri:
                        found[by_uri[late["params"]["uri"]]] = late["params"]["diagnostics"]
                break
        missing = [p.name for p in paths if p not in found]
        assert not missing, f"no diagnostics within {TIMEOUT} s for {missing}"
        return found

    def hover(self, path: Path, line: int, character: int) -> str:
        result = self.request("textDocument/hover", {"textDocument": {"uri": path.as_uri()},
                                                     "position": {"line": line, "character": character}})
        contents = (result or {}).get("contents", "")
        return str(contents.get("value", "") if isinstance(contents, dict) else contents)

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(timeout=5)
        except (AssertionError, OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=5)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()


@pytest.fixture(scope="module")
def language_server(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = os.environ.get("FITSM_TEST_NPM_DIR")  # reuse an install across runs
    return _install(Path(cache) if cache else tmp_path_factory.mktemp("npm"))


def _new(fitsm: Callable[..., Run], root: Path, kind: str) -> Path:
    """``fitsm new KIND --no-input``; the file it wrote."""
    done = fitsm("new", kind, "--no-input", "--sms", root)
    assert done.code == 0, done.err
    return root / done.out.split()[1]


# (name, kind, old text, new text): a mutation of a fresh document, and whether it is a schema error.
MUTATIONS = [
    ("version-unquoted", "Service", 'version: "0.1"', "version: 0.1", False),
    ("label-number", "Service", 'version: "0.1"', 'version: "0.1"\n  labels: {tier: 1}', False),
    ("id-breaks-pattern", "Customer", "id: ", "id: Bad_ID_", True),
    ("duration-in-words", "KPI", "frequency: P1M", "frequency: 12 months", True),
    ("duration-with-time", "KPI", "frequency: P1M", "frequency: PT8H", False),
    ("unknown-field", "Supplier", "spec:\n", "spec:\n  colour: blue\n", True),
    ("wrong-type", "Person", "  active: true", "  active: [yes]", True),
    ("duplicate-key", "Person", "  active: true", "  active: true\n  active: false", True),
    ("evidence-left-out", "ServiceCatalogue", "  audience:", "  x-audience:", True),
    ("no-such-day", "Complaint", "received_on: ", "received_on: 2026-02-30 #", True),
    ("outage-offset", "OutageLog", "T00:00:00\n", "T00:00:00+01:00\n", True),  # one end with, one without
]


def _mutate(path: Path, name: str, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    doc_id = next(line.split(":", 1)[1].split("#")[0].strip() for line in text.splitlines()
                  if line.strip().startswith("id:"))
    text = text.replace(f"id: {doc_id}", f"id: {doc_id}-{name}", 1).replace(old, new, 1)
    out = path.with_name(f"{path.stem}-{name}.yaml")
    out.write_text(text, encoding="utf-8")
    return out


def test_the_editor_and_the_checker_agree(language_server: Path, tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    root = tmp_path / "sms"
    shutil.copytree(EXAMPLES / "acme", root)
    fresh = {kind: _new(fitsm, root, kind) for kind in sorted(KINDS)}
    mutated = {name: (_mutate(fresh[kind], name, old, new), error) for name, kind, old, new, error in MUTATIONS}
    config = load_config(root)
    findings = check(root, config, config.as_of or dt.date.today()).findings
    flagged = {f.path for f in findings if f.rule in SCHEMA_RULES}

    server = Server(language_server, root)
    try:
        paths = [*fresh.values(), *(p for p, _ in mutated.values())]
        diagnostics = server.diagnostics(paths)
        # hover shows the field's explanation (the schema description), not only its title
        kpi = fresh["KPI"].read_text(encoding="utf-8").splitlines()
        line = next(i for i, text in enumerate(kpi) if text.strip().startswith("frequency:"))
        hover = server.hover(fresh["KPI"], line, kpi[line].index("frequency") + 2)
    finally:
        server.close()

    def in_editor(path: Path) -> list[str]:
        return [f"{d['range']['start']['line'] + 1}: {d['message']}" for d in diagnostics[path]
                if d.get("severity", 1) == 1]

    disagree = []
    for path in paths:
        rel = path.relative_to(root).as_posix()
        editor, checker = in_editor(path), [f"{f.line}: {f.rule} {f.message}" for f in findings
                                            if f.path == rel and f.rule in SCHEMA_RULES]
        if bool(editor) != bool(checker):
            disagree.append(f"{rel}: editor {editor or 'clean'}; fitsm check {checker or 'clean'}")
    assert not disagree, "\n".join(disagree)
    for name, (path, error) in mutated.items():
        assert (path.relative_to(root).as_posix() in flagged) == error, name
    assert "How often it is measured" in hover, hover
    assert schemas.schema_file("SLA") in {p.name for p in (root / "schemas").iterdir()}
