"""JUnit XML output, for GitLab test reports, Jenkins and other CI test views.

One ``testsuite`` per requirement group (GR1 … PR8), one ``testcase`` per check that ran (classname: the
requirement ID, name: the rule); a check with findings fails, listing them. There is no normative JUnit
schema; this is the shape GitLab and Jenkins read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from fitsm_kit.escape import safe
from fitsm_kit.findings import Finding, Result
from fitsm_kit.model.catalogue import requirements
from fitsm_kit.output.checks import CheckInfo, ran
from fitsm_kit.output.text import display_path

# characters XML 1.0 cannot carry at all, not even escaped; YAML "\x07" escapes can put them in a message
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """``value`` with characters XML 1.0 forbids written as ``\\xNN`` (the rest ElementTree escapes)."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", value)


def as_junit(result: Result) -> str:
    """The JUnit XML report of one check."""
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_rule[f.rule].append(f)
    waived: dict[str, list[Finding]] = defaultdict(list)
    for f in result.waived:
        waived[f.rule].append(f)
    groups: dict[str, list[CheckInfo]] = defaultdict(list)
    for info in ran(result):
        groups[info.requirement.split(".")[0]].append(info)
    order = list(dict.fromkeys(r.group for r in requirements().values()))
    root = ET.Element("testsuites", name="fitsm check", tests="0", failures="0", errors="0")
    for group in sorted(groups, key=order.index):
        suite = ET.SubElement(root, "testsuite", name=f"{group} {_group_title(group)}", errors="0",
                              skipped="0", tests=str(len(groups[group])))
        failed = 0
        for info in groups[group]:
            case = ET.SubElement(suite, "testcase", classname=info.requirement, name=info.name,
                                 time="0")
            found = by_rule.get(info.name, [])
            if found:
                failed += 1
                first = found[0]
                case.set("file", xml_text(_path(result, first)))
                failure = ET.SubElement(case, "failure", type=_worst(found),
                                        message=xml_text(f"{len(found)} finding{'s' if len(found) != 1 else ''}: "
                                                         f"{safe(first.message)}"))
                failure.text = xml_text("\n".join(_line(result, f) for f in found))
            if waived.get(info.name):
                out = ET.SubElement(case, "system-out")
                out.text = xml_text("\n".join(f"waived by {f.waiver}: {_line(result, f)}" for f in waived[info.name]))
        suite.set("failures", str(failed))
    root.set("tests", str(sum(len(v) for v in groups.values())))
    root.set("failures", str(sum(int(s.get("failures", "0")) for s in root)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _group_title(group: str) -> str:
    return next(r.group_title for r in requirements().values() if r.group == group)


def _worst(found: list[Finding]) -> str:
    return max(found, key=lambda f: f.severity.rank).severity.value


def _path(result: Result, f: Finding) -> str:
    return safe(display_path(result, f.path))


def _line(result: Result, f: Finding) -> str:
    """One finding; SMS text shown with escapes, so no line of it starts a CI log command or drives a terminal."""
    fix = f"\n    fix: {safe(f.fix)}" if f.fix else ""
    return f"{_path(result, f)}:{f.line}:{f.col}: {f.requirement} [{f.severity.value}] {safe(f.message)}{fix}"
