"""The engine contract v1 (docs/engine-contract.md) on the engine's side: reading and checking
a request, writing a response atomically, and running an action with one-line errors.

Imports no torch, so adapters (engines/nnunet, engines/totalsegmentator) use it too.
"""

import json
import os
import re
import sys
import traceback

CONTRACT = "sentinel-engine/1"
PROBABILITY_TYPES = ("float32", "uint8")
_LABEL_KEY = re.compile(r"^[1-9][0-9]*$")


class EngineError(Exception):
    """A problem the user can fix (bad request, missing file, missing package): printed as one
    line on stderr without a traceback, exit status 2."""


def _fail(path, where, what):
    raise EngineError(f"request {path} does not follow {CONTRACT}: {where}: {what}")


def _require(request, key, kind, path, nullable=False):
    value = request.get(key)
    if value is None and nullable and key in request:
        return None
    if key not in request:
        _fail(path, key, "missing")
    if kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
        _fail(path, key, f"expected an integer, got {json.dumps(value)}")
    if kind == "str" and not isinstance(value, str):
        _fail(path, key, f"expected a string, got {json.dumps(value)}")
    if kind == "bool" and not isinstance(value, bool):
        _fail(path, key, f"expected true or false, got {json.dumps(value)}")
    if kind == "dict" and not isinstance(value, dict):
        _fail(path, key, "expected an object")
    if kind == "list" and not isinstance(value, list):
        _fail(path, key, "expected an array")
    return value


def _require_absolute(request, key, path, nullable=False):
    value = _require(request, key, "str", path, nullable)
    if value is not None and not os.path.isabs(value):
        _fail(path, key, f"expected an absolute path, got {value!r}")
    return value


def _check_classes(classes, path):
    if not classes:
        _fail(path, "classes", "expected at least one class")
    for key, name in classes.items():
        if not _LABEL_KEY.match(key) or int(key) > 255:
            _fail(path, f"classes.{key}", "label values are whole numbers 1..255")
        if not isinstance(name, str) or not name:
            _fail(path, f"classes.{key}", "expected a class name")


def _check_cases(cases, path, with_label):
    if not cases:
        _fail(path, "cases", "expected at least one case")
    fields = ("image", "label") if with_label else ("image",)
    for index, case in enumerate(cases):
        if not isinstance(case, dict):
            _fail(path, f"cases.{index}", "expected an object")
        case_id = case.get("id")
        if not isinstance(case_id, str) or not case_id:
            _fail(path, f"cases.{index}.id", "expected a non-empty string")
        for field in fields:
            _require_absolute(case, field, f"{path} (case {case_id})")
            if not os.path.isfile(case[field]):
                raise EngineError(f"case {case_id}: {field} file not found: {case[field]}")


def read_request(path, action):
    """Reads and checks the request JSON at `path` for `action` ('train' or 'predict');
    returns it as a dict. Every problem is an EngineError naming the field."""
    try:
        with open(path, encoding="utf-8") as handle:
            request = json.load(handle)
    except FileNotFoundError:
        raise EngineError(f"request file not found: {path}") from None
    except (OSError, ValueError) as error:
        raise EngineError(f"cannot read request {path}: {error}") from None
    if not isinstance(request, dict):
        _fail(path, "(top level)", "expected an object")
    if request.get("contract") != CONTRACT:
        _fail(path, "contract", f"expected {CONTRACT!r}, got {request.get('contract')!r}")
    if request.get("action") != action:
        _fail(path, "action", f"expected {action!r} (the action given on the command line), got {request.get('action')!r}")
    _check_classes(_require(request, "classes", "dict", path), path)
    seed = _require(request, "seed", "int", path)
    if seed < 0:
        _fail(path, "seed", "expected a non-negative integer")
    _require_absolute(request, "response", path)
    _require_absolute(request, "workdir", path)
    _require(request, "params", "dict", path)
    if action == "train":
        _check_cases(_require(request, "cases", "list", path), path, with_label=True)
        init = _require_absolute(request, "init", path, nullable=True)
        if init is not None and not os.path.exists(init):
            raise EngineError(f"init checkpoint not found: {init}")
        _require_absolute(request, "checkpoint", path)
    else:
        _check_cases(_require(request, "cases", "list", path), path, with_label=False)
        checkpoint = _require_absolute(request, "checkpoint", path)
        if not os.path.exists(checkpoint):
            raise EngineError(f"checkpoint not found: {checkpoint}")
        _require_absolute(request, "outputDir", path)
        save = _require(request, "save", "dict", path)
        _require(save, "probabilities", "bool", path)
        samples = _require(save, "mcSamples", "int", path)
        if samples < 0:
            _fail(path, "save.mcSamples", "expected a non-negative integer")
        if not isinstance(save.get("entropyMap", False), bool):
            _fail(path, "save.entropyMap", "expected a boolean")
        spread = save.get("mcStdMap", 0)
        if not isinstance(spread, int) or isinstance(spread, bool) or spread < 0:
            _fail(path, "save.mcStdMap", "expected a non-negative integer")
        if save.get("probabilityType") not in PROBABILITY_TYPES:
            _fail(path, "save.probabilityType", f"expected one of {', '.join(PROBABILITY_TYPES)}")
    return request


def write_json_atomically(path, value):
    """Writes JSON next to its destination, then renames it into place."""
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(value, handle, indent=2)
            handle.write("\n")
    except OSError as error:
        raise EngineError(f"cannot write {path}: {error.strerror}") from None
    os.replace(temporary, path)


def train_response(engine, checkpoint, stats):
    """The response of a finished train action."""
    return {"contract": CONTRACT, "action": "train", "engine": engine, "checkpoint": checkpoint, "stats": stats}


def predict_response(engine, outputs):
    """The response of a finished predict action; outputs: [{id, mask, probabilities?, mcSamples?}]."""
    return {"contract": CONTRACT, "action": "predict", "engine": engine, "outputs": outputs}


def file_stems(ids):
    """File-name-safe, unique stems for case ids (as the reference engine names them)."""
    seen = {}
    stems = []
    for case_id in ids:
        base = re.sub(r"^\.+", "_", re.sub(r"[^A-Za-z0-9._-]", "_", case_id))
        count = seen.get(base, 0)
        seen[base] = count + 1
        stems.append(base if count == 0 else f"{base}_{count}")
    return stems


USAGE = "usage: {program} train|predict --request REQUEST.json"


def run_engine(name, handlers, argv=None):
    """Runs the action named on the command line: handlers maps 'train'/'predict' to a function
    taking the request path. Exits 0 on success, 2 with one line on stderr for an EngineError,
    70 with the traceback for anything else (a bug)."""
    argv = sys.argv[1:] if argv is None else argv
    program = os.path.basename(sys.argv[0])
    try:
        action, request_path = _parse_argv(argv, handlers, program)
        handlers[action](request_path)
    except EngineError as error:
        print(f"{name}: error: {error}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print(f"{name}: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception:  # noqa: BLE001 - anything else is a bug: show where
        print(f"{name}: internal error (a bug):\n{traceback.format_exc()}", file=sys.stderr)
        sys.exit(70)


def _parse_argv(argv, handlers, program):
    usage = USAGE.format(program=program)
    positionals = []
    request = None
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--request" and index + 1 < len(argv):
            request = argv[index + 1]
            index += 2
        elif arg.startswith("--request="):
            request = arg[len("--request="):]
            index += 1
        elif arg.startswith("-"):
            raise EngineError(f"unknown option {arg} ({usage})")
        else:
            positionals.append(arg)
            index += 1
    if len(positionals) != 1 or positionals[0] not in handlers:
        raise EngineError(f"expected one action, {' or '.join(handlers)}, got {' '.join(positionals)!r} ({usage})")
    if not request:
        raise EngineError(f"missing --request ({usage})")
    return positionals[0], request
