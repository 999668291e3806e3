using System.Reflection;
using System.Runtime.CompilerServices;

namespace ModelGen.OnnxImport.Tests;

/// <summary>
/// The byte transport of [OnnxModel] under a real build: runtime/build/ModelGen.targets wrote a text copy of each
/// Transport/*.onnx (every byte value 0–255 in several orders, some starting like a UTF-8, UTF-16 or UTF-32 BOM,
/// with NULs, CR/LF and Ctrl-Z) into obj/ when this project was built, and that copy holds the bytes exactly.
/// Without it the compiler's own decoding of a binary additional file loses bytes (see the targets file).
/// </summary>
public sealed class TransportTests
{
    private static string EncodedFolder { get; } = typeof(TransportTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ModelGenEncodedFolder").Value!;

    private static string TransportFolder([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Transport");

    public static TheoryData<string> Files => new(Directory.GetFiles(TransportFolder(), "*.onnx").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Files))]
    public void TheBuildsTextCopyHoldsEveryByte(string file)
    {
        byte[] original = File.ReadAllBytes(Path.Combine(TransportFolder(), file));
        string name = Path.GetFileNameWithoutExtension(file);
        string copy = Assert.Single(Directory.GetFiles(EncodedFolder, name + ".*.onnx.b64"));
        string[] lines = File.ReadAllText(copy).Split('\n', 4);

        Assert.Equal("modelgen-onnx-base64 1", lines[0]);
        Assert.Equal("Transport/" + file, lines[1].Replace('\\', '/'));
        Assert.Equal(Path.GetFullPath(Path.Combine(TransportFolder(), file)), lines[2]);
        Assert.Equal(original, Convert.FromBase64String(lines[3]));
        Assert.Equal(256, original.Distinct().Count());
    }
}
