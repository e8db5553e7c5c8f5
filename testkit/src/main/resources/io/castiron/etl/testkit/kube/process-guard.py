#!/usr/bin/env python3
"""Runs one command so that it cannot outlive the JVM that started it.

    process-guard.py PARENT_PID GRACE_SECONDS COMMAND [ARG...]

The guard makes itself the leader of a new session and process group, asks the kernel for SIGTERM when its
parent dies (PR_SET_PDEATHSIG), and runs COMMAND as its child in that group. On SIGTERM, SIGINT or SIGHUP, from
the parent or because the parent died, it sends SIGTERM to the whole group, waits GRACE_SECONDS, then sends
SIGKILL, as a kubelet stops a container. When COMMAND exits, whatever it left behind in the group is killed too,
and the guard exits with COMMAND's status (128 + the signal, for a signal). The whole group can also be killed
at once from outside: kill -KILL -- -<guard pid>.
"""
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main():
    parent, grace, command = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
    os.setsid()
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the request above took effect
        sys.exit(128 + signal.SIGTERM)
    child = os.fork()
    if child == 0:
        for s in (signal.SIGPIPE, signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_DFL)  # Python ignores SIGPIPE; an exec would keep that
        try:
            os.execvp(command[0], command)
        except OSError as e:
            print(f"process-guard: cannot run {command[0]}: {e}", file=sys.stderr)
            os._exit(127)

    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        if stopping:
            return
        stopping = True
        signal_group(signal.SIGTERM)
        signal.setitimer(signal.ITIMER_REAL, max(grace, 0.001))

    def signal_group(sig):
        try:
            os.killpg(os.getpgid(0), sig)
        except ProcessLookupError:
            pass

    def kill(signum, frame):
        kill_others()

    signal.signal(signal.SIGALRM, kill)
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, stop)
    _, status = os.waitpid(child, 0)
    kill_others()  # what the command left behind dies with it, as in a container
    sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))


def kill_others():
    """SIGKILL to every other member of the guard's process group (SIGKILL to the group would end the guard
    before it could pass on the command's status)."""
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != me:
            try:
                if os.getpgid(int(entry)) == me:
                    os.kill(int(entry), signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


if __name__ == "__main__":
    main()
