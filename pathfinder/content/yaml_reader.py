"""Read a content YAML file safely, keeping line numbers for error messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, ScalarNode

from pathfinder.content.errors import ContentError

LINE_KEY = "__line__"


# libyaml's parser when PyYAML was built with it (the wheels are): it reads the content
# about ten times faster than the pure-Python one, with the same line marks and errors.
try:
    from yaml import CSafeLoader as _SafeBase
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeBase  # type: ignore[assignment]


class _ContentLoader(_SafeBase):
    """A safe YAML loader tuned for hand-edited content files."""


def _construct_int_or_timestamp(loader: _ContentLoader, node: ScalarNode) -> object:
    # YAML 1.1 reads an unquoted 23:05 as the base-60 integer 1385; editors mean a timestamp.
    value = str(loader.construct_scalar(node))
    if ":" in value:
        return value
    return loader.construct_yaml_int(node)


def _construct_float_or_timestamp(loader: _ContentLoader, node: ScalarNode) -> object:
    value = str(loader.construct_scalar(node))
    if ":" in value:
        return value
    return loader.construct_yaml_float(node)


def _construct_mapping(loader: _ContentLoader, node: MappingNode) -> dict[Any, Any]:
    # A repeated key silently overwrites the first in plain YAML; an editor would never notice.
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise ConstructorError(
                "while reading a mapping",
                node.start_mark,
                f"the key '{key}' appears twice",
                key_node.start_mark,
            )
        seen.add(key)
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


_ContentLoader.add_constructor("tag:yaml.org,2002:int", _construct_int_or_timestamp)
_ContentLoader.add_constructor("tag:yaml.org,2002:float", _construct_float_or_timestamp)
_ContentLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> dict[str, Any]:
    """Return the top-level mapping of a content file, or raise a ContentError naming the line."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(name, "the file is missing") from None
    except UnicodeDecodeError as error:
        raise ContentError(name, f"the file is not UTF-8 text ({error.reason})") from None
    try:
        data = yaml.load(text, Loader=_ContentLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or "the YAML cannot be read"
        if not isinstance(error, ConstructorError):
            problem = f"YAML syntax error: {problem}"
        raise ContentError(name, problem, line=line) from None
    except yaml.YAMLError as error:
        raise ContentError(name, f"YAML syntax error: {error}") from None
    if not isinstance(data, dict):
        raise ContentError(name, "the file must hold a mapping of sections (like `steps:`)")
    return data


def strip_line_numbers(value: Any) -> Any:
    """Return `value` without the line markers the reader adds to every mapping."""
    if isinstance(value, dict):
        return {k: strip_line_numbers(v) for k, v in value.items() if k != LINE_KEY}
    if isinstance(value, list):
        return [strip_line_numbers(v) for v in value]
    return value
