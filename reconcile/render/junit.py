"""JUnit XML: one test case per conflict; new conflicts fail, known ones pass with a note.

Text from documents and claim files goes through :func:`~reconcile.render.controls.printable`:
XML 1.0 cannot hold most control characters, and a CI log would draw escape sequences.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from .controls import printable

__all__ = ["render_junit"]


def render_junit(records: list[dict[str, Any]]) -> str:
    failures = sum(1 for r in records if r["status"] == "new")
    suite = ET.Element(
        "testsuite", name="reconcile", tests=str(len(records)), failures=str(failures), errors="0", skipped="0"
    )
    for rec in records:
        name = printable(f"{rec['subject']} {rec['property']}" + (f" [{rec['scope']}]" if rec["scope"] else "") + f" #{rec['fingerprint']}")
        case = ET.SubElement(suite, "testcase", classname=f"reconcile.{rec['rule']}", name=name)
        sides = "\n".join(
            printable(f"- {s['label']}: " + "; ".join(f"{c['source']} ({c['file']}:{c['line']})" for c in s["claims"]))
            for s in rec["sides"]
        )
        explanation = printable(rec["explanation"])
        body = f"{explanation}\n{sides}"
        if rec["status"] == "new":
            failure = ET.SubElement(case, "failure", message=explanation, type=rec["severity"])
            failure.text = body
        else:
            out = ET.SubElement(case, "system-out")
            out.text = f"known conflict ({rec['status']})\n{body}"
    tree = ET.ElementTree(ET.Element("testsuites"))
    tree.getroot().append(suite)
    ET.indent(tree)
    return ET.tostring(tree.getroot(), encoding="unicode", xml_declaration=True) + "\n"
