"""Drive yaml-language-server (the server behind VS Code's YAML extension) over stdio, as an
editor does: open a record file and ask what completes at a position. Used by
test_schema_completion.py; also runnable to see the completions of a file:

    python3 site_tests/yaml_lsp.py evidence/studies/holmoy-2017.yaml 'design: ' 'outcomes: ['
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"


class YamlLanguageServer:
    """One server process; requests are answered in order, server requests get empty answers."""

    def __init__(self, root: Path = ROOT) -> None:
        node = shutil.which("node")
        if node is None or not SERVER.exists():
            raise FileNotFoundError("node or node_modules/yaml-language-server (npm ci) is missing")
        self.proc = subprocess.Popen([node, str(SERVER), "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self._id = 0
        self._lock = threading.Lock()
        self.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {
            "textDocument": {"completion": {"completionItem": {"snippetSupport": True}}},
            "workspace": {"configuration": True}}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": {
            "validate": True, "completion": True, "hover": True, "schemaStore": {"enable": False}}}})

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> dict:
        length = 0
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise EOFError("yaml-language-server exited")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self.proc.stdout.read(length))

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: dict) -> dict:
        self._id += 1
        self._send({"jsonrpc": "2.0", "id": self._id, "method": method, "params": params})
        while True:
            message = self._read()
            if "method" in message and "id" in message:  # the server asks (configuration, ...)
                items = message.get("params", {}).get("items", [])
                answer = [{"validate": True, "completion": True, "schemaStore": {"enable": False}}
                          if item.get("section") == "yaml" else None for item in items] if items else None
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": answer})
            elif message.get("id") == self._id:
                return message

    def completions(self, path: Path, text: str, line: int, character: int) -> list[str]:
        """Labels the server offers at (line, character), 0-based, of text opened as path."""
        return [item["label"] for item in self.completion_items(path, text, line, character)]

    def completion_items(self, path: Path, text: str, line: int, character: int) -> list[dict]:
        """The completion items (label, insertText, documentation, ...) at (line, character)."""
        uri = path.resolve().as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
        reply = self.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                         "position": {"line": line, "character": character}})
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        result = reply.get("result") or []
        items = result.get("items", []) if isinstance(result, dict) else result
        return items

    def close(self) -> None:
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self.proc.wait(timeout=10)
        except (OSError, EOFError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()


def completions_after(server: YamlLanguageServer, path: Path, text: str, marker: str) -> list[str]:
    """Completions right after the first occurrence of marker in text."""
    before = text[:text.index(marker) + len(marker)]
    line = before.count("\n")
    return server.completions(path, text, line, len(before) - (before.rfind("\n") + 1))


if __name__ == "__main__":
    file = Path(sys.argv[1])
    text = file.read_text(encoding="utf-8")
    server = YamlLanguageServer()
    try:
        for marker in sys.argv[2:]:
            print(f"{marker!r}: {completions_after(server, file, text, marker)}")
    finally:
        server.close()
