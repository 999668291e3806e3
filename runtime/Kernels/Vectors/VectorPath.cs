using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace ModelGen;

/// <summary>
/// Which vector width the kernels, activations and optimizers run with on this machine and process: the
/// widest the runtime accelerates (512, 256 or 128 bits), or 0 for scalar code. Every kernel chooses its
/// path with the same tests, in the same order, so this is the path that runs.
/// </summary>
/// <remarks>
/// The runtime decides what is accelerated: AVX-512 → 512 bits (unless <c>DOTNET_EnableAVX512=0</c> or
/// <c>DOTNET_PreferredVectorBitWidth=256</c>); AVX2 → 256; SSE or ARM64 AdvSimd → 128 (also a default
/// NativeAOT build on x64, and <c>DOTNET_EnableAVX2=0</c>); none, or <c>DOTNET_EnableHWIntrinsic=0</c> → scalar.
/// </remarks>
public static class VectorPath
{
    /// <summary>The vector width in bits, or 0 for scalar code.</summary>
    public static int Bits =>
        Vector512.IsHardwareAccelerated ? 512
        : Vector256.IsHardwareAccelerated ? 256
        : Vector128.IsHardwareAccelerated ? 128
        : 0;

    /// <summary>Whether multiply-adds are fused (rounded once): x64 with FMA (AVX2 machines and later), ARM64.</summary>
    public static bool FusedMultiplyAdd => Fma.IsSupported || AdvSimd.IsSupported;

    /// <summary>A short description, e.g. "Vector512, fused multiply-add" or "scalar".</summary>
    public static string Description =>
        (Bits == 0 ? "scalar" : "Vector" + Bits) + (FusedMultiplyAdd ? ", fused multiply-add" : ", separate multiply and add");
}
