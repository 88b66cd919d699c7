"""The shell of ``context runtime execute``: a few read-only programs (ls,
cat, head, tail, wc, grep, find, pwd, echo, ``git log``, ``git show``) over a
file tree, emulated in Python; no process is ever started.

The tree is what the context repository's head commit holds (path -> blob
sha); the caller gives the means to read a blob, the history and the path
rules (sandbox/routes/context.py). Options are parsed the GNU way
(:func:`getopt.gnu_getopt`: ``-rli``, ``-n 5``, ``-n5``, options among the
operands, ``--`` ends them); ``head``, ``tail`` and ``git log`` also read
``-N`` as ``-n N``, as their real counterparts do. See docs/sandbox.md.
"""

from __future__ import annotations

import fnmatch
import getopt
import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

COUNT = re.compile(r"-[0-9]+")


class ShellUsageError(Exception):
    """A program was called wrongly: exit 2, ``<program>: <message>`` on stderr."""


def directories_of(tree: Mapping[str, str]) -> set[str]:
    """Every directory of the tree's paths ('' is the root)."""
    found = {""}
    for path in tree:
        parts = path.split("/")[:-1]
        found.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return found


def _counts_as_n(argv: Sequence[str], valued: str) -> list[str]:
    """``-5`` -> ``-n5`` (not as the value of a valued option, not after ``--``)."""
    out: list[str] = []
    after_value_option = False
    for index, arg in enumerate(argv):
        if arg == "--":
            return [*out, *argv[index:]]
        out.append(f"-n{arg[1:]}" if COUNT.fullmatch(arg) and not after_value_option else arg)
        after_value_option = len(arg) == 2 and arg[0] == "-" and arg[1] in valued
    return out


def parse(
    argv: Sequence[str], flags: str, valued: str = "", long: Sequence[str] = ()
) -> tuple[set[str], dict[str, str], list[str]]:
    """``(flags seen, values of valued options (the last one wins), operands)``."""
    if "n" in valued:
        argv = _counts_as_n(argv, valued)
    shortopts = flags + "".join(f"{letter}:" for letter in valued)
    try:
        options, operands = getopt.gnu_getopt(list(argv), shortopts, list(long))
    except getopt.GetoptError as exc:
        if exc.opt in valued and len(exc.opt) == 1:
            raise ShellUsageError(f"option requires an argument -- '{exc.opt}'") from None
        if len(exc.opt) > 1:
            raise ShellUsageError(f"unrecognized option '--{exc.opt}'") from None
        raise ShellUsageError(f"invalid option -- '{exc.opt}'") from None
    seen: set[str] = set()
    values: dict[str, str] = {}
    for option, value in options:
        name = option.lstrip("-")
        if name in valued:
            values[name] = value
        else:
            seen.add(name)
    return seen, values, operands


def _count(raw: str, what: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ShellUsageError(f"invalid number of {what}: '{raw}'") from None


class Shell:
    """One ``execute``: what the programs write goes to ``out`` and ``err``.

    ``tree`` maps a path to its blob sha, ``read`` gives a blob's text,
    ``history`` the commits newest first (each with its ``tree``), and
    ``resolve`` a repository path for what a user typed (None: not a path
    of the repository)."""

    def __init__(
        self,
        tree: Mapping[str, str],
        *,
        read: Callable[[str], str],
        history: Callable[[], list[dict[str, Any]]],
        resolve: Callable[[str], str | None],
    ) -> None:
        self.tree = tree
        self.read = read
        self.history = history
        self._path = resolve
        self.dirs = directories_of(tree)
        self.out: list[str] = []
        self.err: list[str] = []

    def programs(self) -> dict[str, Callable[[list[str]], int]]:
        return {"ls": self.ls, "cat": self.cat, "head": self.head, "tail": self.tail, "wc": self.wc,
                "grep": self.grep, "find": self.find, "pwd": self.pwd, "echo": self.echo, "git": self.git}  # fmt: skip

    def run(self, program: str, argv: list[str]) -> dict[str, Any]:
        """``{exitCode, stdout, stderr}`` of one program (127: not emulated)."""
        found = self.programs().get(program)
        if found is None:
            known = ", ".join(sorted(self.programs()))
            return {
                "exitCode": 127,
                "stdout": "",
                "stderr": f"{program}: command not found (emulated: {known})\n",
            }
        try:
            code = found(argv)
        except ShellUsageError as exc:
            self.err.append(f"{program}: {exc}\n")
            code = 2
        return {"exitCode": code, "stdout": "".join(self.out), "stderr": "".join(self.err)}

    def _text(self, raw: str, program: str) -> str | None:
        path = self._path(raw)
        if path in self.dirs:
            self.err.append(f"{program}: {raw}: Is a directory\n")
            return None
        if path is None or path not in self.tree:
            self.err.append(f"{program}: {raw}: No such file or directory\n")
            return None
        return self.read(self.tree[path])

    def _files_under(self, path: str) -> list[str]:
        prefix = f"{path}/" if path else ""
        return sorted(f for f in self.tree if f.startswith(prefix) or f == path)

    def pwd(self, argv: list[str]) -> int:
        self.out.append("/\n")
        return 0

    def echo(self, argv: list[str]) -> int:
        self.out.append(" ".join(argv) + "\n")
        return 0

    def ls(self, argv: list[str]) -> int:
        seen, _, operands = parse(argv, "laR1")
        code = 0
        for raw in operands or ["."]:
            path = self._path(raw)
            if path in self.tree:
                self.out.append(f"{raw}\n")
                continue
            if path is None or path not in self.dirs:
                self.err.append(f"ls: cannot access '{raw}': No such file or directory\n")
                code = 2
                continue
            prefix = f"{path}/" if path else ""
            names = sorted({p[len(prefix) :].split("/")[0] for p in self.tree if p.startswith(prefix)})
            if len(operands) > 1:
                self.out.append(f"{raw}:\n")
            for name in names:
                full = prefix + name
                if "l" in seen:
                    size = 0 if full in self.dirs else len(self.read(self.tree[full]).encode())
                    kind = "d" if full in self.dirs else "-"
                    self.out.append(f"{kind}rw-r--r-- {size:>8} {name}{'/' if kind == 'd' else ''}\n")
                else:
                    self.out.append(f"{name}{'/' if full in self.dirs else ''}\n")
        return code

    def cat(self, argv: list[str]) -> int:
        _, _, operands = parse(argv, "")
        code = 0
        for raw in operands:
            text = self._text(raw, "cat")
            if text is None:
                code = 1
            else:
                self.out.append(text)
        return code

    def _slice(self, argv: list[str], program: str, pick: Callable[[list[str], int], list[str]]) -> int:
        _, values, operands = parse(argv, "", "n")
        count = _count(values.get("n", "10"), "lines")
        code = 0
        for raw in operands:
            text = self._text(raw, program)
            if text is None:
                code = 1
                continue
            lines = text.splitlines(keepends=True)
            self.out.append("".join(pick(lines, count)))
        return code

    def head(self, argv: list[str]) -> int:
        return self._slice(argv, "head", lambda lines, n: lines[:n])

    def tail(self, argv: list[str]) -> int:
        return self._slice(argv, "tail", lambda lines, n: lines[-n:] if n else [])

    def wc(self, argv: list[str]) -> int:
        seen, _, operands = parse(argv, "lwc")
        shown = [letter for letter in "lwc" if letter in seen] or ["l", "w", "c"]
        code = 0
        for raw in operands:
            text = self._text(raw, "wc")
            if text is None:
                code = 1
                continue
            counts = {"l": text.count("\n"), "w": len(text.split()), "c": len(text.encode())}
            self.out.append(" ".join(str(counts[letter]) for letter in shown) + f" {raw}\n")
        return code

    def grep(self, argv: list[str]) -> int:
        seen, values, operands = parse(argv, "rRlinvcFEwH", "e")
        pattern = values.get("e")
        if pattern is None:
            if not operands:
                raise ShellUsageError("usage: grep [-rlinvcFw] PATTERN [PATH...]")
            pattern, operands = operands[0], operands[1:]
        text = re.escape(pattern) if "F" in seen else pattern
        if "w" in seen:
            text = rf"\b(?:{text})\b"
        try:
            regex = re.compile(text, re.IGNORECASE if "i" in seen else 0)
        except re.error as exc:
            raise ShellUsageError(f"invalid regular expression: {exc}") from None
        recursive = bool(seen & {"r", "R"})
        targets: list[str] = []
        for raw in operands or (["."] if recursive else []):
            path = self._path(raw)
            if path is not None and path in self.dirs and recursive:
                targets.extend(self._files_under(path))
            elif path is not None and path in self.tree:
                targets.append(path)
            else:
                self.err.append(
                    f"grep: {raw}: {'Is a directory' if path in self.dirs else 'No such file or directory'}\n"
                )
        if not targets and not operands and not recursive:
            raise ShellUsageError("no file to search (the runtime has no stdin): pass a path, or -r")
        named = recursive or len(targets) > 1 or "H" in seen
        matched_any = False
        for path in targets:
            lines = self.read(self.tree[path]).splitlines()
            hits = [(n, line) for n, line in enumerate(lines, 1) if bool(regex.search(line)) != ("v" in seen)]
            matched_any = matched_any or bool(hits)
            if "l" in seen:
                self.out.extend(f"{path}\n" for _ in hits[:1])
            elif "c" in seen:
                self.out.append(f"{path}:{len(hits)}\n" if named else f"{len(hits)}\n")
            else:
                for number, line in hits:
                    where = (f"{path}:" if named else "") + (f"{number}:" if "n" in seen else "")
                    self.out.append(f"{where}{line}\n")
        if self.err:
            return 2
        return 0 if matched_any else 1

    def find(self, argv: list[str]) -> int:
        """``find [path...] [-name|-iname GLOB] [-type f|d]``: find's own
        grammar (predicates after the paths), not getopt's."""
        roots = []
        while argv and not argv[0].startswith("-"):
            roots.append(argv.pop(0))
        name, kind, folded = None, None, False
        while argv:
            option = argv.pop(0)
            if option in ("-name", "-iname", "-type") and argv:
                value = argv.pop(0)
                if option == "-type":
                    if value not in ("f", "d"):
                        raise ShellUsageError(f"unknown argument to -type: {value}")
                    kind = value
                else:
                    name = value.lower() if option == "-iname" else value
                    folded = option == "-iname"
            else:
                raise ShellUsageError(f"unknown predicate '{option}'")
        code = 0
        for raw in roots or ["."]:
            path = self._path(raw)
            if path is None or (path not in self.dirs and path not in self.tree):
                self.err.append(f"find: '{raw}': No such file or directory\n")
                code = 1
                continue
            prefix = f"{path}/" if path else ""
            found = [(d, "d") for d in sorted(self.dirs) if d.startswith(prefix) or d == path]
            found += [(f, "f") for f in sorted(self.tree) if f.startswith(prefix) or f == path]
            for item, item_kind in sorted(found):
                base = posixpath.basename(item) or "."
                if kind and kind != item_kind:
                    continue
                if name and not fnmatch.fnmatchcase(base.lower() if folded else base, name):
                    continue
                shown = raw.rstrip("/") if item == path else f"{raw.rstrip('/')}/{item[len(prefix) :]}"
                self.out.append(f"{shown}\n")
        return code

    def git(self, argv: list[str]) -> int:
        if not argv or argv[0] not in ("log", "show"):
            raise ShellUsageError("only 'git log' and 'git show' are emulated (read-only)")
        commits = self.history()
        if argv[0] == "log":
            seen, values, operands = parse(argv[1:], "", "n", long=("oneline",))
            if "n" in values:
                commits = commits[: _count(values["n"] or "0", "commits")]
            if operands:
                wanted = self._path(operands[-1]) or ""
                commits = [c for c in commits if any(ch["path"] == wanted for ch in c["changes"])]
            for item in commits:
                if "oneline" in seen:
                    self.out.append(f"{item['shortSha']} {item['message']}\n")
                else:
                    self.out.append(
                        f"commit {item['sha']}\nDate:   {item['createdAt']}\n\n    {item['message']}\n\n"
                    )
            return 0
        if len(argv) != 2 or ":" not in argv[1]:
            raise ShellUsageError("usage: git show <sha>:<path>")
        ref, raw = argv[1].split(":", 1)
        target = (
            next((c for c in commits if c["sha"].startswith(ref) or ref == "HEAD"), None) if ref else None
        )
        path = self._path(raw)
        if target is None or path is None or path not in target["tree"]:
            self.err.append(f"fatal: path '{raw}' does not exist in '{ref}'\n")
            return 128
        self.out.append(self.read(target["tree"][path]))
        return 0
