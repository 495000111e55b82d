"""The suite reads nothing outside the repository: a fresh clone on its own passes."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A path into a sibling folder or an absolute path on the machine the suite was written on.
_OUTSIDE = re.compile(r"""(["'])/(work|home|root|srv)/|parents\[(\d+)\]""")


def paths_leaving_the_repository(root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted((root / "tests").rglob("*.py")):
        if path.name == Path(__file__).name:
            continue  # its own example of what is refused
        depth = len(path.relative_to(root).parts) - 1  # folders between the repository and the file
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in _OUTSIDE.finditer(line):
                levels = match.group(3)
                if levels is None or int(levels) > depth:
                    found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_no_test_reads_outside_the_repository():
    assert paths_leaving_the_repository() == []


def test_the_check_sees_a_path_outside(tmp_path):
    (tmp_path / "tests" / "deep").mkdir(parents=True)
    (tmp_path / "tests" / "deep" / "test_x.py").write_text(
        # (written in pieces, so that this file itself holds no such path)
        'A = Path(__file__).resolve().parents[3] / "sib' + 'ling"\nB = Path("/' + 'work/x")\n'
        'C = Path(__file__).resolve().parents[1] / "data"\n')
    found = paths_leaving_the_repository(tmp_path)
    assert [line.split(":")[1] for line in found] == ["1", "2"]
