using System.Text.Json;
using StbImageSharp;

namespace ModelGen.Mnist.Tests;

/// <summary>Checks on what train writes: real PNGs of a sensible size, and metrics.json that parses.</summary>
public static class OutputFiles
{
    private static readonly byte[] s_pngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Asserts that <paramref name="path"/> is a PNG that decodes to at least 400 × 300 pixels.</summary>
    public static void AssertPng(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(s_pngSignature, bytes[..8]);
        ImageResult image = ImageResult.FromMemory(bytes, ColorComponents.RedGreenBlue);
        Assert.True(image.Width >= 400 && image.Height >= 300, $"{path} is only {image.Width}x{image.Height}");
        // Not a blank canvas: a figure has both light and dark pixels.
        Assert.Contains(image.Data, b => b < 64);
        Assert.Contains(image.Data, b => b > 192);
    }

    /// <summary>Parses metrics.json.</summary>
    public static JsonDocument ReadMetrics(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        return JsonDocument.Parse(File.ReadAllBytes(path));
    }

    /// <summary>metrics.json without the timings, which differ from run to run.</summary>
    public static string WithoutTimings(string path)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        node.Remove("totalSeconds");
        foreach (var epoch in node["history"]!.AsArray())
        {
            epoch!.AsObject().Remove("seconds");
            epoch.AsObject().Remove("evaluationSeconds");
        }
        return node.ToJsonString();
    }
}
