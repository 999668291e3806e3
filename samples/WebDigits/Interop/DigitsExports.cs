using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;
using ModelGen.Samples.WebDigits.Digits;

namespace ModelGen.Samples.WebDigits.Interop;

/// <summary>
/// What wwwroot/js/digits.js calls: thin wrappers over <see cref="DigitsSession"/> in the shapes JavaScript
/// marshalling takes (byte arrays arrive as copies of Uint8Arrays, number arrays go back as plain arrays).
/// </summary>
[SupportedOSPlatform("browser")]
internal static partial class DigitsExports
{
    // .NET's in-memory file system in the browser.
    private static readonly DigitsSession s_session = new("/tmp/webdigits");

    /// <summary>Loads network <paramref name="name"/> (mlp, cnn or resnet) from its model file's bytes and selects it.</summary>
    [JSExport]
    internal static void Load(string name, [JSMarshalAs<JSType.Array<JSType.Number>>] byte[] file) => s_session.Load(name, file);

    /// <summary>Whether network <paramref name="name"/> is loaded.</summary>
    [JSExport]
    internal static bool IsLoaded(string name) => s_session.IsLoaded(name);

    /// <summary>Selects a loaded network.</summary>
    [JSExport]
    internal static void Select(string name) => s_session.Select(name);

    /// <summary>Sets the MNIST digits that "teach it" replays.</summary>
    [JSExport]
    internal static void SetReplay([JSMarshalAs<JSType.Array<JSType.Number>>] byte[] file) => s_session.SetReplay(file);

    /// <summary>The ten probabilities for the canvas's alpha channel, or an empty array for an empty or nearly empty canvas.</summary>
    [JSExport]
    [return: JSMarshalAs<JSType.Array<JSType.Number>>]
    internal static double[] Read([JSMarshalAs<JSType.Array<JSType.Number>>] byte[] alpha, int width, int height) =>
        s_session.Read(alpha, width, height) is { } probabilities ? ToDoubles(probabilities) : [];

    /// <summary>The 28×28 input the network saw last, as gray levels 0..255 (row-major), or an empty array.</summary>
    [JSExport]
    [return: JSMarshalAs<JSType.Array<JSType.Number>>]
    internal static byte[] LastInput()
    {
        if (s_session.LastInput is not { } input) return [];
        var levels = new byte[input.Length];
        for (int i = 0; i < input.Length; i++) levels[i] = (byte)Math.Round(Math.Clamp(input[i], 0f, 1f) * 255f);
        return levels;
    }

    /// <summary>Teaches the selected network that the last drawing is <paramref name="label"/>: [steps, loss, p0, ..., p9].</summary>
    [JSExport]
    [return: JSMarshalAs<JSType.Array<JSType.Number>>]
    internal static double[] Teach(int label)
    {
        TeachResult result = s_session.Teach(label);
        return [result.Steps, result.Loss, .. ToDoubles(result.Probabilities)];
    }

    /// <summary>Puts the selected network back to its file's weights.</summary>
    [JSExport]
    internal static void Reset() => s_session.Reset();

    /// <summary>The kernels' vector path in this browser, e.g. "Vector128 (WebAssembly SIMD), no fused multiply-add".</summary>
    [JSExport]
    internal static string VectorPathDescription() => VectorPath.Description;

    private static double[] ToDoubles(float[] values) => Array.ConvertAll(values, v => (double)v);
}
