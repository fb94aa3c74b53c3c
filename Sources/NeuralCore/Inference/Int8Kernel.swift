import CInt8Kernels
import Foundation

/// Which implementation runs ``Int8Matrix``'s products.
///
/// Swift on Linux compiles for baseline x86-64, so the portable kernel has only SSE2's 128-bit
/// `pmaddwd`. The C target CInt8Kernels has AVX2 and AVX-512 VNNI kernels, each compiled for
/// its own instruction set and used only when CPUID and the operating system say it can run.
/// All three give the same sums (integer arithmetic per block, then the same float steps).
public enum Int8Kernel: String, Sendable, CaseIterable, CustomStringConvertible {
    /// SSE2 `pmaddwd` in Swift; runs anywhere.
    case portable
    /// 256-bit `vpmaddwd` (C).
    case avx2
    /// 512-bit `vpdpwssd` (C; AVX-512 BW, VL and VNNI).
    case avx512vnni

    public var description: String { rawValue }

    /// The fastest kernel this machine runs.
    public static let detected: Int8Kernel = {
        switch purr_int8_detect() {
        case PURR_INT8_AVX512VNNI: .avx512vnni
        case PURR_INT8_AVX2: .avx2
        default: .portable
        }
    }()

    /// The default: `PURR_INT8_KERNEL` (portable, avx2 or avx512vnni) when set and runnable
    /// here, for comparisons; else ``detected``.
    public static let preferred: Int8Kernel = {
        if let name = ProcessInfo.processInfo.environment["PURR_INT8_KERNEL"], let k = Int8Kernel(rawValue: name),
           k.isSupported {
            return k
        }
        return detected
    }()

    /// Whether this machine can run it.
    public var isSupported: Bool {
        switch self {
        case .portable: true
        case .avx2: Self.detected != .portable
        case .avx512vnni: Self.detected == .avx512vnni
        }
    }

    var isa: purr_int8_isa {
        switch self {
        case .portable: PURR_INT8_NONE
        case .avx2: PURR_INT8_AVX2
        case .avx512vnni: PURR_INT8_AVX512VNNI
        }
    }
}
