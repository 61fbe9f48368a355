#!/usr/bin/env python3
"""Flash and static RAM per component of the firmware, from the GNU ld map
file: every input section that went into the image is attributed to the
archive (or object) it came from.

With link-time optimisation the map only sees LTO's partitions
(*.ltrans.o): given the ELF (--elf), what came from them is attributed by
symbol instead, each function and variable to the component of the source
file it was declared in (nm -l, from the debug information). Code inlined
across components counts where it landed; string literals and constants
without a symbol of their own are left "unattributed".

Usage: mapsize.py firmware.map [IMAGE_FLASH_BYTES] [--elf firmware.elf] [--objects]"""
import os
import re
import subprocess
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


def source_component(path):
    """Component of a source file, for symbols of an LTO partition."""
    if "/mbedtls/" in path or "/mbedtls_alt/" in path:
        return "Mbed TLS"
    if "/lwip/src/" in path:
        return "LwIP"
    if "/port/lwip/" in path:
        return "iotls LwIP port"
    if "/src/diagnose" in path:
        return "iotls diagnosis"
    if "/src/" in path:
        return "iotls"
    if "/firmware/" in path:
        return "app (seed case, bench)" if "/app/" in path else "board + app"
    return None


def variable_owners(elf):
    """{(variable name, size): component} from the ordinary symbol tables of
    the fat LTO objects next to the ELF (readelf: nm would show LTO's table,
    without the static variables). nm -l gives no source line for data."""
    builddir = os.path.dirname(os.path.abspath(elf))
    variant = os.path.basename(elf)
    paths = [os.path.join(builddir, f) for f in os.listdir(builddir) if f.endswith(".a")]
    objdir = os.path.join(builddir, "CMakeFiles", variant + ".dir")
    for top, _, names in os.walk(objdir):
        paths += [os.path.join(top, n) for n in names if n.endswith(".obj")]
    owners = {}
    for path in paths:
        out = subprocess.run(["arm-none-eabi-readelf", "-s", "-W", path],
                             capture_output=True, text=True).stdout
        c = component(path)
        for line in out.splitlines():
            if line.startswith("File: "):   # an archive member: "File: lib.a(obj)"
                c = component(line[6:].strip())
                continue
            parts = line.split()
            if len(parts) == 8 and parts[3] == "OBJECT" and parts[6] != "UND":
                key = (parts[7], int(parts[2]))
                owners[key] = c if owners.get(key, c) == c else None
    return owners


def lto_symbols(elf):
    """{component: {kind: bytes}} of the ELF's sized symbols by source file."""
    out = subprocess.run(["arm-none-eabi-nm", "-S", "-l", elf], capture_output=True,
                         text=True, check=True).stdout
    owners = None
    sizes = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 4 or len(parts[2]) != 1:
            continue   # a symbol without a size
        size, typ = int(parts[1], 16), parts[2].lower()
        k = {"t": "flash", "r": "flash", "d": "data", "b": "bss"}.get(typ)
        if k is None:
            continue
        if typ == "t" and len(parts) >= 5:
            c = source_component(parts[4].rsplit(":", 1)[0])
        else:
            # nm -l's line for a variable is the nearest code's, not its own.
            if owners is None:
                owners = variable_owners(elf)
            # LTO renames statics (name.lto_priv.0, name.1).
            c = owners.get((parts[3].split(".", 1)[0], size))
        if c is None:
            continue
        s = sizes.setdefault(c, {"flash": 0, "data": 0, "bss": 0})
        s[k] += size
    return sizes


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
            c = "lto" if ".ltrans" in m.group(4) else component(m.group(4))
            s = sizes.setdefault(c, {"flash": 0, "data": 0, "bss": 0})
            s[k] += size
            o = objects.setdefault((c, m.group(4)), {"flash": 0, "data": 0, "bss": 0})
            o[k] += size
    return sizes, objects


def main():
    sizes, objects = parse(sys.argv[1])
    lto = sizes.pop("lto", None)
    if lto is not None:
        if "--elf" not in sys.argv:
            raise SystemExit("mapsize: an LTO image: give the ELF with --elf")
        # The partitions' sections, split by symbol; the rest of them
        # (strings, anonymous constants) stays unattributed.
        for c, s in lto_symbols(sys.argv[sys.argv.index("--elf") + 1]).items():
            t = sizes.setdefault(c, {"flash": 0, "data": 0, "bss": 0})
            for k in s:
                t[k] += s[k]
                lto[k] -= s[k]
        sizes["unattributed (LTO: strings, constants)"] = lto
    order = ["iotls", "iotls diagnosis", "iotls LwIP port", "Mbed TLS", "LwIP",
             "libc (newlib-nano) + libgcc", "board + app", "app (seed case, bench)",
             "unattributed (LTO: strings, constants)", "other"]
    print("%-38s %10s %10s %10s" % ("component", "flash", "(of which", "static RAM"))
    print("%-38s %10s %10s %10s" % ("", "text+data", "data)", "data+bss"))
    tot = {"flash": 0, "data": 0, "bss": 0}
    for c in order:
        if c not in sizes:
            continue
        s = sizes[c]
        print("%-38s %10d %10d %10d" % (c, s["flash"] + s["data"], s["data"], s["data"] + s["bss"]))
        for k in tot:
            tot[k] += s[k]
    print("%-38s %10d %10d %10d" % ("total of input sections", tot["flash"] + tot["data"],
                                    tot["data"], tot["data"] + tot["bss"]))
    if len(sys.argv) > 2 and sys.argv[2].isdigit():
        # The map lists string sections before the linker merges identical
        # strings across files; the difference is those duplicates.
        merged = tot["flash"] + tot["data"] - int(sys.argv[2])
        print("%-38s %10d" % ("  less duplicate strings merged", -merged))
        print("%-38s %10d" % ("image", int(sys.argv[2])))
    if "--objects" in sys.argv:
        for (c, o), s in sorted(objects.items(), key=lambda kv: -(kv[1]["flash"] + kv[1]["data"])):
            print("  %-22s %7d %7d  %s" % (c, s["flash"] + s["data"], s["bss"], o))


if __name__ == "__main__":
    main()
