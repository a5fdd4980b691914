"""Production runs requirements.txt only; the test and benchmark tools live in requirements-test.txt.

A test tool pinned for production is code an app host runs for nothing (and must patch); a loose pin
installs something other than what the suite ran against. These checks read the two files (following
their -r / -c includes), the imports of what production runs, and the installed metadata of this venv.
"""
import ast
import importlib.metadata
import re
import sys
from pathlib import Path

from django.conf import settings
from packaging.markers import default_environment
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
PROD = ROOT / "requirements.txt"
TEST = ROOT / "requirements-test.txt"

# Never on an app host: test runners and plugins, property testing, API fuzzing, browser driving,
# and the benches' websocket clients (with what they pull in). Names as PEP 503 normalises them.
TEST_TOOLS = re.compile(
    r"^(pytest|pytest-.*|hypothesis|hypothesis-.*|schemathesis|harfile|jsonschema-rs|pyrate-limiter"
    r"|graphql-core|playwright|greenlet|selenium|aiohttp|aiohappyeyeballs|aiosignal|yarl|multidict"
    r"|frozenlist|propcache|websockets|iniconfig|pluggy|sortedcontainers|coverage|tox|nox|mock"
    r"|factory-boy|faker|freezegun|responses|locust|py-spy|werkzeug|requests|urllib3|certifi|rich"
    r"|pygments|markdown-it-py|mdurl|click|anyio)$"
)

# What production runs: the application, the demo fixtures it loads, manage.py, and the
# translation scripts (polib compiles the catalogue at `make setup`).
PRODUCTION_CODE = [ROOT / "trading", ROOT / "fixtures", ROOT / "manage.py", ROOT / "scripts"]
LOCAL_PACKAGES = {"trading", "fixtures", "tests"}


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path, seen=None):
    """{normalised name: (line as written, file)} of a requirements file and everything it includes."""
    seen = set() if seen is None else seen
    if path in seen:
        return {}
    seen.add(path)
    pins = {}
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        where = f"{path.name}:{number}"
        include = re.match(r"^(-r|--requirement|-c|--constraint)[\s=]+(\S+)$", line)
        if include:
            for name, pin in read_pins((path.parent / include.group(2)).resolve(), seen).items():
                assert name not in pins, f"{name} pinned twice ({pins[name][1]} and {pin[1]})"
                pins[name] = pin
            continue
        assert not line.startswith("-"), f"{where}: option {line!r}: only -r/-c includes and exact pins belong here"
        requirement = Requirement(line)
        name = normalise(requirement.name)
        assert name not in pins, f"{where}: {requirement.name} pinned twice (also {pins[name][1]})"
        pins[name] = (requirement, where)
    return pins


def test_every_pin_is_exact():
    for path in (PROD, TEST):
        for name, (requirement, where) in read_pins(path).items():
            specifiers = list(requirement.specifier)
            assert len(specifiers) == 1 and specifiers[0].operator == "==" and "*" not in specifiers[0].version, (
                f"{where}: {requirement} is not an exact pin (name==version)")
            assert requirement.url is None, f"{where}: {requirement} installs from a URL"


def test_production_pins_no_test_tool():
    tools = sorted(f"{r} ({where})" for name, (r, where) in read_pins(PROD).items() if TEST_TOOLS.match(name))
    assert not tools, f"test tools pinned for production, move them to {TEST.name}: {tools}"


def test_test_file_includes_production_once():
    production, everything = read_pins(PROD), read_pins(TEST)
    assert production.keys() <= everything.keys(), f"{TEST.name} must start with -r {PROD.name}"
    for name, (requirement, where) in production.items():
        assert everything[name][1] == where, f"{requirement.name} is pinned in {TEST.name} too ({everything[name][1]})"


def production_distributions():
    """Installed distribution names (normalised) that the top-level modules imported by production code belong to."""
    owners = {module: {normalise(d) for d in dists} for module, dists in importlib.metadata.packages_distributions().items()}
    modules = set()
    files = [p for base in PRODUCTION_CODE for p in ([base] if base.is_file() else base.rglob("*.py"))]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    # Apps and middleware named only as strings in the settings.
    modules.update(entry.split(".")[0] for entry in [*settings.INSTALLED_APPS, *settings.MIDDLEWARE])
    modules -= LOCAL_PACKAGES | set(sys.stdlib_module_names) | {"__future__"}
    missing = sorted(m for m in modules if m not in owners)
    assert not missing, f"production code imports modules no installed distribution provides: {missing}"
    return {m: owners[m] for m in modules}


def test_production_imports_are_pinned_for_production():
    production = read_pins(PROD)
    unpinned = {m: sorted(d) for m, d in production_distributions().items() if not d & production.keys()}
    assert not unpinned, f"production code imports modules whose distribution is not in {PROD.name}: {unpinned}"


def test_production_pins_are_closed_under_their_dependencies():
    """Everything a production package requires (extras included, e.g. daphne's twisted[tls]) is pinned
    for production too, at the version installed here: an app host installing requirements.txt alone
    gets nothing unpinned and nothing from the test file."""
    production = read_pins(PROD)
    environment = default_environment()
    wanted = [(name, frozenset(requirement.extras)) for name, (requirement, _) in production.items()]
    done, problems = set(), []
    while wanted:
        name, extras = wanted.pop()
        if (name, extras) in done:
            continue
        done.add((name, extras))
        if name not in production:
            continue
        requirement, where = production[name]
        try:
            installed = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"{where}: {requirement.name} is not installed (run make test)")
            continue
        if installed != next(iter(requirement.specifier)).version:
            problems.append(f"{where}: {requirement} but {installed} is installed (run make test)")
        for dependency in map(Requirement, importlib.metadata.requires(requirement.name) or []):
            applies = dependency.marker is None or any(
                dependency.marker.evaluate({**environment, "extra": extra}) for extra in ("", *extras))
            if not applies:
                continue
            dep = normalise(dependency.name)
            if dep not in production:
                problems.append(f"{requirement.name} requires {dependency}, which {PROD.name} does not pin")
            wanted.append((dep, frozenset(dependency.extras)))
    assert not problems, "\n".join(problems)
