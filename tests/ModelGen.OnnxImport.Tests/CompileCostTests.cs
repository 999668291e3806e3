using System.Diagnostics;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelGen.OnnxImport.Tests.Harness;
using Xunit.Abstractions;

namespace ModelGen.OnnxImport.Tests;

/// <summary>
/// What the compiled-in weights cost at compile time, printed for the record (dotnet test -v n shows it),
/// with a generous bound so a regression of an order of magnitude fails. The PyTorch MLP (784-128-10,
/// 101,770 parameters) and convnet (34,826) are imported in memory; and the same 101,770 floats as the
/// float-array literal the generator writes are compared with the byte-array alternative.
/// </summary>
public sealed class CompileCostTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("mlp.onnx")]
    [InlineData("convnet.onnx")]
    public void ImportCompilesInSeconds(string file)
    {
        byte[] onnx = File.ReadAllBytes(Path.Combine(Fixtures.Folder, file));
        ImportCompiler.Compile(onnx); // warm up Roslyn and the generator
        var clock = Stopwatch.StartNew();
        ImportedModel imported = ImportCompiler.Compile(onnx);
        clock.Stop();
        int parameters = imported.Parameters().Length;
        int sourceBytes = imported.GeneratedFiles.Sum(f => Encoding.UTF8.GetByteCount(f.Text));
        output.WriteLine($"{file}: {parameters:N0} parameters, generated {sourceBytes:N0} bytes of C#, generator + compile + emit {clock.Elapsed.TotalSeconds:F2} s");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{file} took {clock.Elapsed}");
    }

    [Fact]
    public void FloatLiteralsCompileNoSlowerThanBytes()
    {
        float[] values = ModelGen.Tests.OnnxFiles.TestNetworks.Random(101_770, 3, 0.1f);
        var floats = new StringBuilder("public static class P { public static System.ReadOnlySpan<float> V => new float[] {\n");
        foreach (float v in values) floats.Append(ModelGen.Generator.Emitting.ModelEmitter.FloatLiteral(v)).Append(", ");
        floats.Append("}; }");
        var bytes = new StringBuilder("public static class P { public static System.ReadOnlySpan<byte> V => new byte[] {\n");
        foreach (float v in values)
            foreach (byte b in BitConverter.GetBytes(v)) bytes.Append("0x").Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)).Append(", ");
        bytes.Append("}; }");
        var chars = new StringBuilder("public static class P { public static System.ReadOnlySpan<char> V => \"");
        foreach (float v in values)
        {
            int bits = BitConverter.SingleToInt32Bits(v);
            chars.Append("\\u").Append((bits & 0xFFFF).ToString("X4", System.Globalization.CultureInfo.InvariantCulture))
                 .Append("\\u").Append(((bits >> 16) & 0xFFFF).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
        }
        chars.Append("\"; }");
        Time(floats.ToString()); // warm up
        output.WriteLine($"as a UTF-16 string literal: {chars.Length:N0} chars, compile + emit {Time(chars.ToString()).TotalSeconds:F2} s");
        TimeSpan floatTime = Time(floats.ToString()), byteTime = Time(bytes.ToString());
        output.WriteLine($"101,770 floats: float literals {floats.Length:N0} chars, compile + emit {floatTime.TotalSeconds:F2} s; " +
                         $"byte literals {bytes.Length:N0} chars, {byteTime.TotalSeconds:F2} s");
        Assert.True(floatTime < byteTime * 2, $"float literals {floatTime}, bytes {byteTime}");
    }

    private static TimeSpan Time(string source)
    {
        var clock = Stopwatch.StartNew();
        CSharpCompilation compilation = CSharpCompilation.Create("Cost" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(source)],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location), MetadataReference.CreateFromFile(typeof(Span<>).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release));
        using var stream = new MemoryStream();
        Assert.True(compilation.Emit(stream).Success);
        return clock.Elapsed;
    }
}
