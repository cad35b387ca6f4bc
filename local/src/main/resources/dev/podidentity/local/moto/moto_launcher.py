"""Starts moto's server for the Pod Identity Autopilot local cloud.

moto 5.2.1 fails the second StartExecution in an account/region with HTTP 500 when its Step Functions
interpreter is on (getmoto/moto#10077, fixed upstream after 5.2.1): StartExecution deep-copies the state
machine, and the copy walks into live executions (threads, locks) through `executions` and `backend`.
A state machine snapshot needs neither, so the copy below keeps `backend` by reference and starts with
no executions. Everything else is moto's own server, with the same command line as `python -m moto.server`.
"""
import copy
import sys


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


def main(argv):
    try:
        from moto import server
    except ImportError as missing:
        sys.stderr.write("moto is not installed for %s (%s); install it with: pip install 'moto[server]'\n"
                         % (sys.executable, missing))
        return 3
    _patch_state_machine_snapshot()
    server.main(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
