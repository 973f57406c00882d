#!/usr/bin/python3
# The host half of make bench: plugs what only QEMU can plug, when the
# guest asks for it.
#
# usage: agent.py QMP_SOCKET CONTROL_SOCKET
#
# Connects to QEMU's QMP socket and to the chardev socket behind the
# guest's /dev/ttyS1 (both servers QEMU creates; the agent retries until
# they are there), then answers the guest's requests there, one line
# each, with "ok" or "error: <why>":
#   virtio-mem SIZE      qom-set requested-size of the virtio-mem-pci
#                        device vmem0 (the guest waits for its blocks)
#   dimm-add ID SIZE     object-add memory-backend-ram ID-mem (reserve=off)
#                        and device_add pc-dimm ID on it
#   dimm-del ID          device_del ID; the backend is deleted once QEMU
#                        reports the guest ejected it (DEVICE_DELETED)
# Runs until QEMU closes the sockets.
import json
import socket
import sys
import time


def connect(path):
    for _ in range(600):
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            time.sleep(0.1)
    sys.exit(f"agent: no socket {path}")


class Qmp:
    def __init__(self, path):
        self.file = connect(path).makefile("rw")
        self.unplugging = {}  # device id -> its backend, deleted once QEMU says
        self.unplugged = []  # backends of devices QEMU has deleted
        self.read()  # the greeting
        self.call("qmp_capabilities")

    def read(self):
        line = self.file.readline()
        if not line:
            raise EOFError
        return json.loads(line)

    def execute(self, command, **args):
        self.file.write(json.dumps({"execute": command, "arguments": args}) + "\n")
        self.file.flush()
        while True:
            msg = self.read()
            if msg.get("event") == "DEVICE_DELETED":
                backend = self.unplugging.pop(msg.get("data", {}).get("device"), None)
                if backend:
                    self.unplugged.append(backend)
            if "event" in msg:
                continue
            if "error" in msg:
                raise RuntimeError(msg["error"].get("desc", str(msg["error"])))
            return msg.get("return")

    def call(self, command, **args):
        """One command, then the backends of the DIMMs ejected meanwhile."""
        result = self.execute(command, **args)
        while self.unplugged:
            self.execute("object-del", id=self.unplugged.pop())
        return result


def size_bytes(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    if text[-1:].upper() in units:
        return int(text[:-1], 0) * units[text[-1].upper()]
    return int(text, 0)


def handle(qmp, words):
    if words[0] == "virtio-mem" and len(words) == 2:
        qmp.call("qom-set", path="/machine/peripheral/vmem0",
                 property="requested-size", value=size_bytes(words[1]))
    elif words[0] == "dimm-add" and len(words) == 3:
        qmp.call("object-add", **{"qom-type": "memory-backend-ram",
                                  "id": words[1] + "-mem",
                                  "size": size_bytes(words[2]),
                                  "reserve": False})
        qmp.call("device_add", driver="pc-dimm", id=words[1],
                 memdev=words[1] + "-mem")
    elif words[0] == "dimm-del" and len(words) == 2:
        qmp.unplugging[words[1]] = words[1] + "-mem"
        qmp.call("device_del", id=words[1])
    else:
        raise RuntimeError("unknown request")


def main():
    qmp = Qmp(sys.argv[1])
    guest = connect(sys.argv[2]).makefile("rwb", buffering=0)
    while True:
        line = guest.readline()
        if not line:
            return
        words = line.decode(errors="replace").split()
        if not words:
            continue
        try:
            handle(qmp, words)
            reply = "ok"
        except (RuntimeError, ValueError, OSError) as e:
            reply = f"error: {e}"
        except EOFError:
            return
        guest.write((reply + "\n").encode())


if __name__ == "__main__":
    main()
