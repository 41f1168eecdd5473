"""JUnit XML: one test case per conflict; new conflicts fail, known ones pass with a note.

Text from documents and claim files goes through :func:`~reconcile.render.controls.printable`:
XML 1.0 cannot hold most control characters, and a CI log would draw escape sequences.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from typing import Any

from .controls import printable

__all__ = ["render_junit"]


def _case(rec: dict[str, Any]) -> ET.Element:
    name = printable(f"{rec['subject']} {rec['property']}" + (f" [{rec['scope']}]" if rec["scope"] else "") + f" #{rec['fingerprint']}")
    case = ET.Element("testcase", classname=f"reconcile.{rec['rule']}", name=name)
    sides = "\n".join(
        printable(f"- {s['label']}: " + "; ".join(f"{c['source']} ({c['file']}:{c['line']})" for c in s["claims"]))
        for s in rec["sides"]
    )
    body = printable(rec["explanation"], lines=True) + "\n" + sides  # lines kept in the text
    if rec["status"] == "new":
        failure = ET.SubElement(case, "failure", message=printable(rec["explanation"]), type=rec["severity"])
        failure.text = body
    else:
        out = ET.SubElement(case, "system-out")
        out.text = f"known conflict ({rec['status']})\n{body}"
    return case


def _document(tests: int, failures: int, cases: list[ET.Element]) -> str:
    suite = ET.Element("testsuite", name="reconcile", tests=str(tests), failures=str(failures), errors="0", skipped="0")
    suite.extend(cases)
    tree = ET.ElementTree(ET.Element("testsuites"))
    tree.getroot().append(suite)
    ET.indent(tree)
    return ET.tostring(tree.getroot(), encoding="unicode", xml_declaration=True)


def render_junit(records: Iterable[dict[str, Any]], tests: int, failures: int) -> Iterator[str]:
    """The JUnit XML of ``tests`` conflicts (``failures`` of them new), whose records
    ``records`` yields in order, as chunks of text: a test case at a time, indented as
    :func:`xml.etree.ElementTree.indent` indents the whole document, so that neither all
    records nor the whole tree are held at once."""
    if tests == 0:
        yield _document(0, 0, []) + "\n"
        return
    # the document around one placeholder case: what comes before the cases and after them
    before, after = _document(tests, failures, [ET.Element("testcase")]).split("<testcase />")
    yield before
    for i, rec in enumerate(records):
        case = _case(rec)
        ET.indent(case, level=2)
        yield ("\n    " if i else "") + ET.tostring(case, encoding="unicode")
    yield after + "\n"
