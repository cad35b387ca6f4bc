"""Starts moto's server for the Pod Identity Autopilot local cloud.

moto 5.2.1 fails the second StartExecution in an account/region with HTTP 500 when its Step Functions
interpreter is on (getmoto/moto#10077, fixed upstream after 5.2.1): StartExecution deep-copies the state
machine, and the copy walks into live executions (threads, locks) through `executions` and `backend`.
A state machine snapshot needs neither, so the copy below keeps `backend` by reference and starts with
no executions. Everything else is moto's own server, with the same command line as `python -m moto.server`.

Per-request work that gives the same answer every time is done once (see _patch_repeated_work): moto 5.2.1 lists
its own package directory on disk (about 170 stat calls) to route each request, inspects the responder class for its
method names on each request, and AttachRolePolicy/DetachRolePolicy build a dict of the ~1,400 AWS managed policies
to look up one ARN in a dict already keyed by ARN. Same answers, a few milliseconds of one Python thread less per call.

Two opt-in measurements for the benchmarks (both off unless the variable names a file):
MOTO_TIMING=FILE writes one line per request (start, service, action, wall ms, the thread's CPU ms, requests in
flight) as requests finish; MOTO_CPROFILE=FILE profiles every request with cProfile and dumps the merged stats
(pstats format) when the server stops.
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


def main(argv):
    try:
        from moto import server
    except ImportError as missing:
        sys.stderr.write("moto is not installed for %s (%s); install it with: pip install 'moto[server]'\n"
                         % (sys.executable, missing))
        return 3
    _patch_state_machine_snapshot()
    _patch_repeated_work()
    _patch_measurements()
    server.main(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
