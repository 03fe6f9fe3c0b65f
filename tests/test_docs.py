"""The nbdev index (mtst/_modidx.py, what the docs and `show_doc` links read) lists every public name of the
package under its public name: functions, classes, and each class's public methods and properties, including
the ones added with fastcore's `@patch`."""
import importlib
import inspect
import pkgutil

import mtst
from mtst._modidx import d

MODULES = [m.name for m in pkgutil.iter_modules(mtst.__path__, "mtst.") if not m.name.startswith("mtst._")]


def public_names(modname: str) -> set[str]:
    mod, out = importlib.import_module(modname), set()
    for name in getattr(mod, "__all__", []):
        obj = getattr(mod, name)
        if getattr(obj, "__module__", None) != modname: continue          # constants and re-exports
        if inspect.isfunction(obj): out.add(f"{modname}.{name}")
        elif inspect.isclass(obj):
            out.add(f"{modname}.{name}")
            for attr, v in vars(obj).items():
                if attr.startswith("_") or not (inspect.isfunction(v) or isinstance(v, (property, classmethod, staticmethod))): continue
                fn = v.fget if isinstance(v, property) else getattr(v, "__func__", v)
                if getattr(fn, "__module__", modname) == modname: out.add(f"{modname}.{name}.{attr}")
    return out


def test_modules_found():
    assert {"mtst.core", "mtst.data", "mtst.multitask", "mtst.training", "mtst.cli"} <= set(MODULES)


def test_every_public_name_is_indexed():
    missing = {m: sorted(public_names(m) - set(d["syms"].get(m, {}))) for m in MODULES}
    missing = {m: v for m, v in missing.items() if v}
    assert not missing, f"not in mtst/_modidx.py (define them in a notebook cell nbdev exports): {missing}"
