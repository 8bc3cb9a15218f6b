"""What a cell's code binds, and what the functions it defines reach, read from its source.

The tampering guard (guard.py) uses these on the test cells, which are the course's (restored from
the gradebook), and on the student's cells. Nothing here runs a cell.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator

SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
# What a function can use to reach its caller's variables (the test cell's, while the test runs)
# other than through its arguments: frames, the namespace dictionaries, and code run from text; and
# what can run code of its own later, at a moment it picks (after a test has checked, before the
# guard looks): trace and profile functions, other threads' frames, finalizers.
INTROSPECTION_ATTRIBUTES = {"__globals__", "f_globals", "f_locals", "f_back", "_getframe",
                            "currentframe", "getouterframes", "user_ns", "get_referrers", "get_objects",
                            "settrace", "setprofile", "_current_frames", "finalize"}
INTROSPECTION_CALLS = {"globals", "get_ipython", "eval", "exec"}
INTROSPECTION_METHODS = {"__del__"}


@functools.lru_cache(maxsize=64)  # the guard reads each test cell twice (imports, assignments)
def parse(source: str) -> ast.Module | None:
    """The cell as Python, IPython's magics turned into calls; None when it is not Python. Shared
    between callers: do not change the tree."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return None


def _nodes(node: ast.AST, in_functions: bool, inside: bool = False) -> Iterator[ast.AST]:
    """The nodes below ``node`` that run with the cell (``in_functions`` False) or inside the
    functions and classes it defines (True)."""
    for child in ast.iter_child_nodes(node):
        if inside == in_functions:
            yield child
        yield from _nodes(child, in_functions, inside or isinstance(child, SCOPES))


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return base and f"{base}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


def _reload_target(node: ast.AST) -> tuple[str, str] | None:
    """(name, module) for ``name = importlib.reload(module)``."""
    if (isinstance(node, ast.Assign) and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call)
            and _dotted(node.value.func) in ("importlib.reload", "reload")
            and len(node.value.args) == 1 and _dotted(node.value.args[0])):
        return node.targets[0].id, _dotted(node.value.args[0])
    return None


def assigned_names(source: str) -> set[str]:
    """The names a cell binds as it runs (assignments, loops, imports, definitions)."""
    tree = parse(source)
    if tree is None:
        return set()
    names = set()
    for node in _nodes(tree, in_functions=False):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, SCOPES) and not isinstance(node, ast.Lambda):
            names.add(node.name)
    return names


def import_bindings(source: str) -> list[tuple[str, str, str | None]]:
    """The names a test cell binds to a module or to a module's attribute, as (name, module,
    attribute or None): its imports and ``name = importlib.reload(module)``, outside functions and
    classes, and only names the cell assigns no other way. [] when the cell is not Python."""
    tree = parse(source)
    if tree is None:
        return []
    bindings, reload_targets, assigned = [], set(), set()
    for node in _nodes(tree, in_functions=False):
        if isinstance(node, ast.Import):
            bindings.extend((alias.asname, alias.name, None) if alias.asname else
                            (alias.name.split(".")[0], alias.name.split(".")[0], None)
                            for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            bindings.extend((alias.asname or alias.name, node.module, alias.name)
                            for alias in node.names if alias.name != "*")
        elif reload := _reload_target(node):
            bindings.append((reload[0], reload[1], None))
            reload_targets.add(node.targets[0])
        elif (isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del))
              and node not in reload_targets):
            assigned.add(node.id)
    kept = {name: (name, module, attr) for name, module, attr in bindings if name not in assigned}
    return list(kept.values())


def function_reach(source: str) -> tuple[set[str], set[str]]:
    """In the functions and classes a cell defines: the names they declare ``global`` (they may
    rebind them when called), and the introspection they use (``INTROSPECTION_ATTRIBUTES``,
    ``INTROSPECTION_CALLS``, ``INTROSPECTION_METHODS``)."""
    tree = parse(source)
    if tree is None:
        return set(), set()
    declared, introspection = set(), set()
    for node in _nodes(tree, in_functions=True):
        if isinstance(node, ast.Global):
            declared.update(node.names)
        elif isinstance(node, ast.Attribute) and node.attr in INTROSPECTION_ATTRIBUTES:
            introspection.add(node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in INTROSPECTION_METHODS:
            introspection.add(node.name)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and (node.func.id in INTROSPECTION_CALLS or (node.func.id == "vars" and not node.args))):
            introspection.add(node.func.id + "()")
    return declared, introspection
