using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelGen.Benchmarks.Compare.Reports;

/// <summary>What the results were measured on: the ratios only mean something next to this.</summary>
public sealed record MachineInfo(string Cpu, int LogicalCores, string Simd, string KernelVectorPath, string Os, string Runtime)
{
    public static MachineInfo Current() => new(CpuName(), Environment.ProcessorCount, SimdSupport(), VectorPath.Description, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription);

    /// <summary>The 1-, 5- and 15-minute load averages (Linux), or "n/a": other processes' load makes timings noisy.</summary>
    public static string LoadAverage()
    {
        try
        {
            string[] parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Join(" ", parts.Take(3));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    private static string SimdSupport() =>
        Vector512.IsHardwareAccelerated ? "AVX-512 (Vector512)"
        : Avx2.IsSupported && Fma.IsSupported ? "AVX2 + FMA (Vector256)"
        : Vector256.IsHardwareAccelerated ? "Vector256"
        : Vector128.IsHardwareAccelerated ? "Vector128"
        : "scalar";

    private static string CpuName()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal)) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
