using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace ModelGen.Tests.Core;

/// <summary>
/// Which vector path the kernels take on this machine under this process's instruction-set switches
/// (<c>DOTNET_EnableAVX512=0</c>, <c>DOTNET_EnableAVX2=0</c>, <c>DOTNET_EnableHWIntrinsic=0</c>; .ci/run
/// runs this project under each), and that the arithmetic which ran is the arithmetic of that path.
/// </summary>
public sealed class VectorPathTests(ITestOutputHelper output)
{
    private static bool SwitchedOff(string name) => Environment.GetEnvironmentVariable("DOTNET_" + name) == "0";

    private static HashSet<string> CpuFlags()
    {
        string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
        Assert.True(line is not null, "/proc/cpuinfo has no flags line: cannot tell what this x64 CPU supports.");
        return [.. line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>The widths the runtime may accelerate here, from the CPU's flags and the switches.</summary>
    private static int[] ExpectedBits()
    {
        if (SwitchedOff("EnableHWIntrinsic")) return [0];
        if (RuntimeInformation.ProcessArchitecture == Architecture.Arm64) return [128];
        Assert.Equal(Architecture.X64, RuntimeInformation.ProcessArchitecture);
        HashSet<string> flags = CpuFlags();
        if (SwitchedOff("EnableAVX2") || !flags.Contains("avx2")) return [128];
        if (SwitchedOff("EnableAVX512") || !flags.Contains("avx512f")) return [256];
        // .NET prefers 256 bits on the first AVX-512 generations (which slow their clock for wide
        // vectors), or when DOTNET_PreferredVectorBitWidth asks for it.
        return [512, 256];
    }

    [Fact]
    public void The_kernels_take_the_widest_path_the_machine_and_switches_allow()
    {
        output.WriteLine($"Vector path: {VectorPath.Description} ({RuntimeInformation.ProcessArchitecture})");
        int[] expected = ExpectedBits();
        Assert.Contains(VectorPath.Bits, expected);
        if (expected.Length > 1 && Environment.GetEnvironmentVariable("DOTNET_PreferredVectorBitWidth") is null)
        {
            // An AVX-512 machine that is not an early Skylake/Cascade Lake server (model 85) must use it.
            bool early = File.ReadLines("/proc/cpuinfo").Any(l => l.StartsWith("model\t", StringComparison.Ordinal) && l.EndsWith(": 85", StringComparison.Ordinal));
            if (!early) Assert.Equal(512, VectorPath.Bits);
        }
        Assert.Equal(!SwitchedOff("EnableHWIntrinsic") && (RuntimeInformation.ProcessArchitecture == Architecture.Arm64 || (!SwitchedOff("EnableAVX2") && CpuFlags().Contains("fma"))),
            VectorPath.FusedMultiplyAdd);
    }

    // (1 + 2⁻¹²)² = 1 + 2⁻¹¹ + 2⁻²⁴ needs 25 bits: a fused multiply-add keeps the 2⁻²⁴ until it subtracts
    // the 1, a separate multiply rounds it away first (a tie, to even). So each output shows which
    // arithmetic produced it.
    private const float Operand = 1f + 1f / 4096f;
    private const float Fused = 1f / 2048f + 1f / 16777216f;
    private const float Separate = 1f / 2048f;

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(131)]
    [InlineData(300)]
    public void Every_column_of_a_product_is_computed_with_the_paths_multiply_add(int units)
    {
        // y = b + x·W for one input: every column, in whole blocks, single vectors and the tail.
        float[] x = [Operand], w = Enumerable.Repeat(Operand, units).ToArray(), b = Enumerable.Repeat(-1f, units).ToArray();
        var y = new float[units];
        Kernels.Affine(x, w, b, y, 1, 1, units);
        float expected = VectorPath.FusedMultiplyAdd ? Fused : Separate;
        for (int u = 0; u < units; u++) Assert.True(y[u] == expected, $"column {u} of {units}: {y[u]:R}, expected {expected:R} ({VectorPath.Description})");
    }

    [Theory]
    [InlineData(2, 3, 200)] // wide: column lists and the row kernel
    [InlineData(2, 3, 10)] // narrow: dWᵀ with the row kernel
    [InlineData(2_048, 4, 70)] // tall, many units: row blocks summed in registers
    [InlineData(2_048, 4, 20)] // tall, few units: rank-one updates
    [InlineData(4_096, 70, 64)] // tall, long dW rows and columns: dWᵀ from each unit's non-zero dz
    public void Every_weight_gradient_strategy_uses_the_paths_multiply_add(int rows, int inputs, int units)
    {
        // dW = Σ_r x[r]ᵀ·dz[r] in row order: row 0 gives −1 (x = 1, dz = −1), row 1 adds Operand² (the rest
        // are zero), so every dW value is −1 followed by one multiply-add of Operand·Operand.
        float[] x = new float[rows * inputs], dz = new float[rows * units];
        for (int i = 0; i < inputs; i++) { x[i] = 1f; x[inputs + i] = Operand; }
        for (int u = 0; u < units; u++) { dz[u] = -1f; dz[units + u] = Operand; }
        var dw = new float[inputs * units];
        Kernels.WeightGradient(x, dz, dw, rows, inputs, units);
        float expected = VectorPath.FusedMultiplyAdd ? Fused : Separate;
        for (int k = 0; k < dw.Length; k++)
            Assert.True(dw[k] == expected, $"{rows}×{inputs}×{units}: dW[{k}] = {dw[k]:R}, expected {expected:R} ({VectorPath.Description})");
    }
}
