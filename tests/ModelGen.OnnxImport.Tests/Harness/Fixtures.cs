using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ModelGen.OnnxImport.Tests.Harness;

/// <summary>The PyTorch fixtures under tests/fixtures/pytorch (made by make_fixtures.py; see its manifest.json).</summary>
public static class Fixtures
{
    public static string Folder { get; } = FindFolder();

    private static string FindFolder([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "fixtures", "pytorch"));

    public static JsonElement Manifest(string relative = "manifest.json") =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, relative))).RootElement;

    public static IEnumerable<string> GoodNames() =>
        Manifest().GetProperty("fixtures").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);

    public static IEnumerable<string> BadNames() =>
        Manifest("bad/manifest.json").GetProperty("files").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);

    public static float[] ReadFloats(string file)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(Folder, file));
        var values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        return values;
    }
}
