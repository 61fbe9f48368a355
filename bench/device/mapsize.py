#!/usr/bin/env python3
"""Flash and static RAM per component of the firmware, from the GNU ld map
file: every input section that went into the image is attributed to the
archive (or object) it came from.

Usage: mapsize.py firmware.map [IMAGE_FLASH_BYTES] [--objects]"""
import os
import re
import sys

# Input section line: " .text.name  0xADDR  0xSIZE  file", the name possibly
# alone on the line before.
LINE = re.compile(r"^\s+(\S+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")
NAME_ONLY = re.compile(r"^\s(\.\S+|COMMON)\s*$")

PORT_FILES = ("heap.c.obj", "net.c.obj", "platform.c.obj")


def component(path):
    base = os.path.basename(path)
    if "libmbedtls_dev.a" in base:
        return "Mbed TLS"
    if "liblwip_dev.a" in base:
        return "LwIP"
    if "libiotls_dev.a" in base:
        m = re.search(r"\((.*)\)", base)
        obj = m.group(1) if m else ""
        if obj in PORT_FILES:
            return "iotls LwIP port"
        if obj.startswith("diagnose"):
            return "iotls diagnosis"
        return "iotls"
    if re.search(r"firmware[^/]*\.elf\.dir", path):
        return "board + app" if "/app/" not in path else "app (seed case, bench)"
    if re.search(r"lib(c|g|m)(_nano)?\.a|libgcc\.a|libnosys\.a|crt[^/]*\.o|librdimon", base):
        return "libc (newlib-nano) + libgcc"
    return "other"


def kind(section):
    if section.startswith((".text", ".rodata", ".vectors", ".ARM", ".init", ".fini",
                           ".glue", ".vfp11", ".v4_bx", ".iplt", ".rel", ".eh_frame")):
        return "flash"
    if section.startswith(".data"):
        return "data"
    if section.startswith((".bss", "COMMON")):
        return "bss"
    return None


def parse(path):
    sizes = {}
    objects = {}
    in_map = False
    pending = None
    with open(path) as f:
        for line in f:
            if not in_map:
                in_map = line.startswith("Linker script and memory map")
                continue
            if line.startswith("OUTPUT(") or line.startswith("LOAD "):
                continue
            if line.startswith("/DISCARD/"):
                break
            m = NAME_ONLY.match(line)
            if m:
                pending = m.group(1)
                continue
            m = LINE.match(line)
            if not m:
                pending = None
                continue
            section = m.group(1) or pending
            pending = None
            if section is None or section.startswith("*"):
                continue
            size = int(m.group(3), 16)
            addr = int(m.group(2), 16)
            k = kind(section)
            if k is None or size == 0 or addr == 0 and k != "flash":
                continue
            c = component(m.group(4))
            s = sizes.setdefault(c, {"flash": 0, "data": 0, "bss": 0})
            s[k] += size
            o = objects.setdefault((c, m.group(4)), {"flash": 0, "data": 0, "bss": 0})
            o[k] += size
    return sizes, objects


def main():
    sizes, objects = parse(sys.argv[1])
    order = ["iotls", "iotls diagnosis", "iotls LwIP port", "Mbed TLS", "LwIP",
             "libc (newlib-nano) + libgcc", "board + app", "app (seed case, bench)", "other"]
    print("%-30s %10s %10s %10s" % ("component", "flash", "(of which", "static RAM"))
    print("%-30s %10s %10s %10s" % ("", "text+data", "data)", "data+bss"))
    tot = {"flash": 0, "data": 0, "bss": 0}
    for c in order:
        if c not in sizes:
            continue
        s = sizes[c]
        print("%-30s %10d %10d %10d" % (c, s["flash"] + s["data"], s["data"], s["data"] + s["bss"]))
        for k in tot:
            tot[k] += s[k]
    print("%-30s %10d %10d %10d" % ("total of input sections", tot["flash"] + tot["data"],
                                    tot["data"], tot["data"] + tot["bss"]))
    if len(sys.argv) > 2 and sys.argv[2].isdigit():
        # The map lists string sections before the linker merges identical
        # strings across files; the difference is those duplicates.
        merged = tot["flash"] + tot["data"] - int(sys.argv[2])
        print("%-30s %10d" % ("  less duplicate strings merged", -merged))
        print("%-30s %10d" % ("image", int(sys.argv[2])))
    if "--objects" in sys.argv:
        for (c, o), s in sorted(objects.items(), key=lambda kv: -(kv[1]["flash"] + kv[1]["data"])):
            print("  %-22s %7d %7d  %s" % (c, s["flash"] + s["data"], s["bss"], o))


if __name__ == "__main__":
    main()
