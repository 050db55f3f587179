"""The one error a content editor sees when a content file is wrong."""

from __future__ import annotations


class ContentError(Exception):
    """A content file is broken; the message names the file, item, field and problem."""

    def __init__(
        self,
        file: str,
        problem: str,
        *,
        item_id: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        self.file = file
        self.problem = problem
        self.item_id = item_id
        self.field = field
        self.line = line
        where = [f"content/{file}"]
        if line is not None:
            where.append(f"line {line}")
        if item_id is not None:
            where.append(f"item '{item_id}'")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {problem}")
