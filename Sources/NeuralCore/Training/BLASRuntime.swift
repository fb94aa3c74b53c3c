import CBLAS
import Foundation

/// Which OpenBLAS kernel set this process uses, and the fix for CPUs that OpenBLAS 0.3.21 does not
/// recognise.
///
/// Debian's OpenBLAS is built with `DYNAMIC_ARCH` and picks its kernels from the CPU model number.
/// Newer Xeons (the project's 2-core machines report model 207) are unknown to it, and it falls
/// back to the SSE3 "Prescott" kernels: `sgemm` runs 3–4× slower than with the AVX-512 ones the
/// CPU supports. ``selectKernels()`` switches to the best kernel set the CPU's flags allow,
/// through the same exported entry points OpenBLAS uses at load time, unless the user chose one
/// with `OPENBLAS_CORETYPE`.
public enum BLASRuntime {
    /// The kernel set in use, e.g. "SkylakeX", "Haswell" or "Prescott".
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// What ``selectKernels()`` did: nil when nothing was changed (already optimal, chosen by the
    /// user, or not a `DYNAMIC_ARCH` OpenBLAS), else the old and new kernel names.
    public static var selection: (from: String, to: String)? { selected }

    /// Switches OpenBLAS to the best kernels for this CPU if it fell back to generic ones.
    /// Idempotent and cheap after the first call; ``LlamaModel`` calls it before any matrix product.
    /// Call it at start-up, before other threads use BLAS: the switch must not race a running `sgemm`.
    public static func selectKernels() { _ = once }

    nonisolated(unsafe) private static var selected: (from: String, to: String)?

    /// Runs once (Swift initialises static lets exactly once, thread-safely).
    private static let once: Void = {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil else { return }
        let current = coreName.lowercased()
        guard ["prescott", "katmai", "core2", "nehalem", "unknown"].contains(current) || current.isEmpty else { return }
        guard let target = bestCoreType(flags: cpuFlags()) else { return }
        guard let handle = dlopen(nil, RTLD_NOW),
              let quit = dlsym(handle, "gotoblas_dynamic_quit"),
              let initialise = dlsym(handle, "gotoblas_dynamic_init") else { return }
        typealias Entry = @convention(c) () -> Void
        let before = coreName
        setenv("OPENBLAS_CORETYPE", target, 1)
        unsafeBitCast(quit, to: Entry.self)()
        unsafeBitCast(initialise, to: Entry.self)()
        selected = (before, coreName)
    }()

    /// The OpenBLAS core type for a CPU with these `/proc/cpuinfo` flags, or nil to leave OpenBLAS be.
    static func bestCoreType(flags: Set<String>) -> String? {
        if ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"].allSatisfy(flags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
        if flags.contains("avx") { return "SandyBridge" }
        return nil
    }

    static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}
