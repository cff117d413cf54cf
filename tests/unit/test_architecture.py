"""The layers of STYLE.md hold, and ocop_rules stays the pure core."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_are_kept():
    result = subprocess.run([str(Path(sys.executable).with_name("lint-imports"))], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_ocop_rules_imports_only_the_standard_library():
    outside = set()
    for path in (ROOT / "ocop_rules").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            outside.update(n for n in names if n.split(".")[0] not in sys.stdlib_module_names | {"ocop_rules"})
    assert outside == set()


def test_ocop_rules_never_reads_the_clock():
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "ocop_rules").rglob("*.py"))
    for clock in ("date.today(", "datetime.now(", "datetime.today(", "time.time("):
        assert clock not in source
