"""Starts moto's server for the Pod Identity Autopilot local cloud.

moto 5.2.1 fails the second StartExecution in an account/region with HTTP 500 when its Step Functions
interpreter is on (getmoto/moto#10077, fixed upstream after 5.2.1): StartExecution deep-copies the state
machine, and the copy walks into live executions (threads, locks) through `executions` and `backend`.
A state machine snapshot needs neither, so the copy below keeps `backend` by reference and starts with
no executions. Everything else is moto's own application, with the same command line as `python -m moto.server`.

Per-request work that gives the same answer every time is done once (see _patch_repeated_work): moto 5.2.1 lists
its own package directory on disk (about 170 stat calls) to route each request, inspects the responder class for its
method names on each request, and AttachRolePolicy/DetachRolePolicy build a dict of the ~1,400 AWS managed policies
to look up one ARN in a dict already keyed by ARN. Same answers, a few milliseconds of one Python thread less per call.

The same for the Step Functions interpreter (_patch_interpreter_repeated_work), found by sampling moto's threads
(MOTO_SAMPLE below) during a 100-association run: every JSONPath it evaluates ("$.run.cluster" in a task's
Parameters, a Map's ItemsPath, a ResultPath) was parsed again with jsonpath-ng, whose parser builds its LALR tables
anew on each parse (about a quarter of moto's samples); and every Lambda task built a new boto3 client. Parsed paths
and clients are now kept (a parsed path is an immutable expression; a botocore client is safe to share between
threads). And werkzeug's one log line per request (another quarter of the samples, threads queued on the logging
lock) is off unless MOTO_REQUEST_LOG=1: errors are still logged.

moto's WSGI app is served by a small HTTP/1.1 server of this launcher (_serve_lean) rather than werkzeug's
development server, which answers every request "Connection: close" and parses headers with the email package:
connections stay open for the client's next request. MOTO_HTTP=werkzeug serves with werkzeug as before.

DynamoDB's writes are atomic, one item at a time (_patch_atomic_writes): a conditional UpdateItem's check,
its write and its ReturnValues are one step on AWS. moto 5.2.1 serves requests on many threads and its handler reads
the old item, checks the condition and writes in separate steps, so two runs' conditional acquires of one free lock
both succeeded, 4 ms apart (WorkflowLockTest, under load). Item writes now hold one lock of the process. The same
for StartExecution: Step Functions takes an execution name once, but moto checks the name, copies the state machine
and only then adds the execution, so one event delivered twice at once started two runs (1 round in 40 of 16 starts).

Three opt-in measurements for the benchmarks (all off unless the variable names a file):
MOTO_TIMING=FILE writes one line per request (start, service, action, wall ms, the thread's CPU ms, requests in
flight) as requests finish; MOTO_CPROFILE=FILE profiles every request with cProfile and dumps the merged stats
(pstats format) when the server stops; MOTO_SAMPLE=FILE samples every thread's stack each 5 ms (request threads
and the Step Functions interpreter's own threads alike) and writes the folded stacks with their counts (one
"frame;frame;... count" line each, flame-graph input) when the server stops. MOTO_GC_LOG=FILE writes one line per
garbage collection (start, generation, milliseconds, objects collected): a full collection holds the interpreter
lock for 240-410 ms in a 100-association benchmark run, and every request waits for it. MOTO_GC_THRESHOLDS=a,b,c
sets gc.set_threshold for such experiments (default: Python's own; higher thresholds also let a reset world's
objects stay in memory longer).
"""
import copy
import io
import os
import sys
import threading
import time
import urllib.parse


def _patch_state_machine_snapshot():
    from moto.stepfunctions.models import StateMachineInstance

    def snapshot(self, memo):
        twin = object.__new__(type(self))
        memo[id(self)] = twin
        for name, value in vars(self).items():
            if name == "backend":
                twin.__dict__[name] = value
            elif name == "executions":
                twin.__dict__[name] = []
            else:
                twin.__dict__[name] = copy.deepcopy(value, memo)
        return twin

    StateMachineInstance.__deepcopy__ = snapshot


def _patch_repeated_work():
    import functools
    from moto import backends
    from moto.core import responses
    from moto.iam.models import IAMBackend

    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
    responses.method_names_from_class = functools.lru_cache(maxsize=None)(responses.method_names_from_class)

    # managed_policies is keyed by ARN (IAMBackend._init_managed_policies and create_policy); anything not found that
    # way goes through moto's own scan, which then raises moto's own error
    attach, detach = IAMBackend.attach_role_policy, IAMBackend.detach_role_policy

    def attach_role_policy(self, policy_arn, role_name):
        policy = self.managed_policies.get(policy_arn)
        if policy is None or policy.arn != policy_arn:
            return attach(self, policy_arn, role_name)
        policy.attach_to(self.get_role(role_name))

    def detach_role_policy(self, policy_arn, role_name):
        policy = self.managed_policies.get(policy_arn)
        if policy is None or policy.arn != policy_arn or policy.arn not in self.get_role(role_name).managed_policies:
            return detach(self, policy_arn, role_name)
        policy.detach_from(self.get_role(role_name))

    IAMBackend.attach_role_policy = attach_role_policy
    IAMBackend.detach_role_policy = detach_role_policy


def _patch_interpreter_repeated_work():
    import functools
    import importlib

    # jsonpath-ng's parse(path) makes a new parser, and with it PLY's LALR tables (~30 ms), on every call: one parser
    # per grammar instead (PLY's parser object is not reentrant: parses take a lock; one takes microseconds), and
    # each path's parse kept. Patched where moto's modules get it (jsonpath_ng, jsonpath_ng.ext) before they import it.
    import jsonpath_ng
    import jsonpath_ng.ext
    import jsonpath_ng.ext.parser
    import jsonpath_ng.parser

    def shared(parser_class):
        parser = parser_class()
        lock = threading.Lock()

        @functools.lru_cache(maxsize=4096)
        def parse(path):
            with lock:
                return parser.parse(path)
        return parse

    plain, extended = shared(jsonpath_ng.parser.JsonPathParser), shared(jsonpath_ng.ext.parser.ExtendedJsonPathParser)
    originals = {jsonpath_ng.parser.parse: plain, jsonpath_ng.ext.parser.parse: extended}
    jsonpath_ng.parse = jsonpath_ng.parser.parse = plain
    jsonpath_ng.ext.parse = jsonpath_ng.ext.parser.parse = extended
    for module_name in ("moto.stepfunctions.parser.asl.utils.json_path",
                        "moto.stepfunctions.parser.asl.component.common.path.result_path"):
        module = importlib.import_module(module_name)
        if getattr(module, "parse", None) in originals:
            module.parse = originals[module.parse]

    import boto3
    from botocore.config import Config
    from moto.core.models import botocore_stubber
    from moto.settings import moto_server_port
    from moto.stepfunctions.parser.asl.component.common.timeouts.timeout import TimeoutSeconds
    from moto.stepfunctions.parser.asl.utils import boto_client as boto_client_module

    clients = {}
    lock = threading.Lock()

    def boto_client_for(region, service, state_credentials=None):
        if state_credentials is not None or botocore_stubber.enabled:
            return original_client_for(region, service, state_credentials)
        key = (region, service)
        with lock:
            client = clients.get(key)
            if client is None:
                # moto's own settings (boto_client.py), with a pool for a Map's iterations calling at once
                client = boto3.client(
                    aws_access_key_id="ak", region_name=region, service_name=service, aws_secret_access_key="sk",
                    endpoint_url="http://localhost:%s" % moto_server_port(),
                    config=Config(parameter_validation=False, retries={"max_attempts": 0, "total_max_attempts": 1},
                                  connect_timeout=TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS,
                                  read_timeout=TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS, max_pool_connections=64))
                clients[key] = client
            return client

    original_client_for = boto_client_module.boto_client_for
    boto_client_module.boto_client_for = boto_client_for
    for module_name in ("moto.stepfunctions.parser.asl.component.state.exec.state_task.lambda_eval_utils",):
        module = importlib.import_module(module_name)
        if getattr(module, "boto_client_for", None) is original_client_for:
            module.boto_client_for = boto_client_for


def _one_at_a_time(handler_class, names):
    """Each named action of a moto response handler runs alone: its checks and its write in one step."""
    import functools

    lock = threading.RLock()

    def atomic(method):
        @functools.wraps(method)
        def locked(self, *args, **kwargs):
            with lock:
                return method(self, *args, **kwargs)
        return locked

    for name in names:
        if hasattr(handler_class, name):
            setattr(handler_class, name, atomic(getattr(handler_class, name)))


def _patch_atomic_writes():
    from moto.dynamodb.responses import DynamoHandler
    from moto.stepfunctions.responses import StepFunctionResponse

    # every action that writes items: its condition checks, its write and its ReturnValues in one step
    _one_at_a_time(DynamoHandler, ("put_item", "update_item", "delete_item", "batch_write_item",
                                   "transact_write_items", "execute_statement", "batch_execute_statement",
                                   "execute_transaction"))
    # a name is taken once: the check and the new execution in one step
    _one_at_a_time(StepFunctionResponse, ("start_execution",))


def _quiet_request_log():
    if os.environ.get("MOTO_REQUEST_LOG") == "1":
        return
    import logging
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def _action(environ, body):
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.rsplit(".", 1)[-1]
    for source in (environ.get("QUERY_STRING", ""), body.decode("latin-1") if body[:200].find(b"Action=") >= 0 else ""):
        values = urllib.parse.parse_qs(source).get("Action")
        if values:
            return values[0]
    return environ.get("REQUEST_METHOD", "?") + " " + environ.get("PATH_INFO", "")[:60]


def _service(environ):
    auth = environ.get("HTTP_AUTHORIZATION", "")
    marker = auth.find("Credential=")
    if marker < 0:
        return "?"
    scope = auth[marker + len("Credential="):].split(",", 1)[0].split("/")
    return scope[3] if len(scope) > 3 else "?"


def _patch_measurements():
    timing_file = os.environ.get("MOTO_TIMING")
    profile_file = os.environ.get("MOTO_CPROFILE")
    if not timing_file and not profile_file:
        return
    import atexit
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    lock = threading.Lock()
    origin = time.perf_counter()
    state = {"in_flight": 0, "stats": None}
    timing = open(timing_file, "w", buffering=1) if timing_file else None
    if timing:
        timing.write("startMs\tservice\taction\twallMs\tcpuMs\tinFlight\n")
    original = DomainDispatcherApplication.__call__

    def measured(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        with lock:
            state["in_flight"] += 1
            in_flight = state["in_flight"]
        start, cpu = time.perf_counter(), time.thread_time()
        profiler = None
        if profile_file:
            import cProfile
            profiler = cProfile.Profile()
            profiler.enable()
        try:
            result = original(self, environ, start_response)
            # the body is built here too, as the server would build it next
            result = [b"".join(result)] if not isinstance(result, list) else result
            return result
        finally:
            if profiler:
                profiler.disable()
            wall, used = (time.perf_counter() - start) * 1e3, (time.thread_time() - cpu) * 1e3
            with lock:
                state["in_flight"] -= 1
                if profiler:
                    import pstats
                    if state["stats"] is None:
                        state["stats"] = pstats.Stats(profiler)
                    else:
                        state["stats"].add(profiler)
                if timing:
                    timing.write("%.1f\t%s\t%s\t%.2f\t%.2f\t%d\n" % ((start - origin) * 1e3, _service(environ),
                                                                   _action(environ, body), wall, used, in_flight))

    def dump():
        with lock:
            if profile_file and state["stats"] is not None:
                state["stats"].dump_stats(profile_file)
            if timing:
                timing.close()

    DomainDispatcherApplication.__call__ = measured
    atexit.register(dump)


def _start_sampler():
    sample_file = os.environ.get("MOTO_SAMPLE")
    if not sample_file:
        return
    import atexit
    import collections

    counts = collections.Counter()
    stop = threading.Event()

    def sample():
        while not stop.wait(0.005):
            for ident, frame in sys._current_frames().items():
                if ident == threading.get_ident():
                    continue
                names = []
                while frame is not None:
                    code = frame.f_code
                    names.append("%s:%s" % (os.path.basename(code.co_filename), code.co_name))
                    frame = frame.f_back
                # idle threads (waiting for a request or an event) are not work
                if names and names[0] in ("threading.py:wait", "selectors.py:select", "socket.py:accept",
                                          "threading.py:_wait_for_tstate_lock", "socket.py:readinto"):
                    continue
                counts[";".join(reversed(names))] += 1

    sampler = threading.Thread(target=sample, name="moto-sampler", daemon=True)

    def dump():
        stop.set()
        with open(sample_file, "w") as out:
            for stack, n in counts.most_common():
                out.write("%s %d\n" % (stack, n))

    sampler.start()
    atexit.register(dump)


class _Connection(threading.Thread):
    """One client connection of the lean server: HTTP/1.1 requests one after another on it (keep-alive)."""

    def __init__(self, sock, address, app, server_address):
        super().__init__(name="moto-conn-%s" % (address[1],), daemon=True)
        self.sock, self.address, self.app, self.server_address = sock, address, app, server_address

    def run(self):
        rfile = self.sock.makefile("rb", 65536)
        try:
            while self._one(rfile):
                pass
        except (ConnectionError, OSError):
            pass
        finally:
            try:
                rfile.close()
                self.sock.close()
            except OSError:
                pass

    def _one(self, rfile):
        line = rfile.readline(65537)
        if not line:
            return False
        if line in (b"\r\n", b"\n"):
            return True
        try:
            method, target, version = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
        except ValueError:
            self._send(b"400 Bad Request", [("Content-Type", "text/plain")], b"bad request line", False)
            return False
        headers = []
        while True:
            h = rfile.readline(65537)
            if h in (b"\r\n", b"\n", b""):
                break
            name, _, value = h.decode("latin-1").partition(":")
            headers.append((name.strip(), value.strip()))
        path, _, query = target.partition("?")
        environ = {
            "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
            "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False,
            "SERVER_SOFTWARE": "moto-launcher", "REQUEST_METHOD": method, "SCRIPT_NAME": "",
            "PATH_INFO": urllib.parse.unquote_to_bytes(path).decode("latin-1"),
            "QUERY_STRING": query, "REQUEST_URI": target, "RAW_URI": target,
            "REMOTE_ADDR": self.address[0], "REMOTE_PORT": self.address[1],
            "SERVER_NAME": self.server_address[0], "SERVER_PORT": str(self.server_address[1]),
            "SERVER_PROTOCOL": version,
        }
        for name, value in headers:
            if "_" in name:
                continue
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = "HTTP_" + key
                if key in environ:
                    value = environ[key] + "," + value
            environ[key] = value
        if environ.get("HTTP_EXPECT", "").lower() == "100-continue":
            self.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = self._dechunk(rfile)
            environ["wsgi.input_terminated"] = True
        else:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = rfile.read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        keep = version == "HTTP/1.1" and environ.get("HTTP_CONNECTION", "").lower() != "close"
        state = {}

        def start_response(status, response_headers, exc_info=None):
            state["status"], state["headers"] = status, response_headers
            return lambda data: state.setdefault("written", []).append(data)

        try:
            result = self.app(environ, start_response)
            try:
                parts = list(result)
                out = b"".join(state.get("written", [])) + b"".join(parts)
            finally:
                if hasattr(result, "close"):
                    result.close()
        except Exception:
            import traceback
            traceback.print_exc()
            self._send(b"500 Internal Server Error", [("Content-Type", "text/plain")], b"internal error", False)
            return False
        status = state["status"]
        code = int(status.split(" ", 1)[0])
        response_headers = [(k, v) for k, v in state["headers"] if k.lower() not in ("connection", "transfer-encoding")]
        if method == "HEAD" or 100 <= code < 200 or code in (204, 304):
            out = b""  # no body; a HEAD keeps the Content-Length moto gave it
        elif not any(k.lower() == "content-length" for k, _ in response_headers):
            response_headers.append(("Content-Length", str(len(out))))
        self._send(status.encode("latin-1"), response_headers, out, keep)
        return keep

    def _send(self, status, headers, body, keep):
        head = [b"HTTP/1.1 " + status]
        head += [("%s: %s" % (k, v)).encode("latin-1") for k, v in headers]
        head.append(b"Connection: keep-alive" if keep else b"Connection: close")
        self.sock.sendall(b"\r\n".join(head) + b"\r\n\r\n" + body)

    @staticmethod
    def _dechunk(rfile):
        parts = []
        while True:
            size = int(rfile.readline(65537).split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(parts)
            parts.append(rfile.read(size))
            rfile.readline(65537)


def _serve_lean(argv):
    """moto's WSGI app behind a small HTTP/1.1 server of our own, instead of werkzeug's development server.

    Sampling moto under 40 calls at once showed about half of each request's CPU in werkzeug's HTTP handling
    (http.server's header parsing through the email package, a new thread and connection per request: werkzeug
    always answers "Connection: close"). This server parses the request line and headers itself, keeps the
    connection open for the client's next request (the gateway and the SDK clients pool their connections) and
    builds the same WSGI environ werkzeug builds (headers with "_" dropped, PATH_INFO percent-decoded as latin-1,
    chunked bodies decoded, 100-continue answered). MOTO_HTTP=werkzeug serves with werkzeug as before.
    """
    import argparse
    import signal
    import socket
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=int(os.environ.get("MOTO_PORT", 5000)))
    args = parser.parse_args(argv)
    os.environ.setdefault("MOTO_PORT", str(args.port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((args.host, args.port))
    listener.listen(1024)
    sys.stderr.write(" * Running on http://%s:%d (moto-launcher's HTTP/1.1 server)\n" % (args.host, args.port))
    while True:
        sock, address = listener.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        _Connection(sock, address, app, (args.host, args.port)).start()


def _garbage_collection_knobs():
    """MOTO_GC_THRESHOLDS=a,b,c: gc.set_threshold for an experiment; MOTO_GC_LOG=FILE: one line per garbage
    collection of moto's process (start, generation, milliseconds, objects collected)."""
    import gc
    thresholds = os.environ.get("MOTO_GC_THRESHOLDS")
    if thresholds:
        gc.set_threshold(*(int(t) for t in thresholds.split(",")))
    log_file = os.environ.get("MOTO_GC_LOG")
    if not log_file:
        return
    out = open(log_file, "w", buffering=1)
    out.write("startMs\tgeneration\tms\tcollected\n")
    origin = time.perf_counter()
    started = {}

    def callback(phase, info):
        if phase == "start":
            started["t"] = time.perf_counter()
        elif "t" in started:
            t = started.pop("t")
            out.write("%.1f\t%d\t%.2f\t%d\n" % ((t - origin) * 1e3, info["generation"], (time.perf_counter() - t) * 1e3,
                                              info["collected"]))

    gc.callbacks.append(callback)


def main(argv):
    try:
        from moto import server
    except ImportError as missing:
        sys.stderr.write("moto is not installed for %s (%s); install it with: pip install 'moto[server]'\n"
                         % (sys.executable, missing))
        return 3
    _patch_state_machine_snapshot()
    _patch_repeated_work()
    _patch_interpreter_repeated_work()
    _patch_atomic_writes()
    _quiet_request_log()
    _patch_measurements()
    _start_sampler()
    _garbage_collection_knobs()
    if os.environ.get("MOTO_HTTP") == "werkzeug":
        server.main(argv)
    else:
        _serve_lean(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
