using System.Text.Json;

namespace ModelGen.WebDigits.Tests.Session;

/// <summary>The files the page ships: wwwroot/models/models.json, the model files it lists, and the replay digits.</summary>
public static class ShippedFiles
{
    /// <summary>One entry of models.json.</summary>
    public sealed record ModelEntry(string Name, string Title, string File, double TestAccuracy, int Parameters);

    /// <summary>models.json's networks, in the page's order, and the default.</summary>
    public static (IReadOnlyList<ModelEntry> Models, string Default) Manifest()
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.WebRoot, "models", "models.json")));
        var models = json.RootElement.GetProperty("models").EnumerateArray().Select(m => new ModelEntry(
            m.GetProperty("name").GetString()!, m.GetProperty("title").GetString()!, m.GetProperty("file").GetString()!,
            m.GetProperty("testAccuracy").GetDouble(), m.GetProperty("parameters").GetInt32())).ToList();
        return (models, json.RootElement.GetProperty("default").GetString()!);
    }

    /// <summary>The bytes of network <paramref name="name"/>'s model file.</summary>
    public static byte[] Model(string name) => File.ReadAllBytes(Path.Combine(RepositoryPaths.WebRoot, "models", name + ".safetensors"));

    /// <summary>The bytes of data/replay.bin.</summary>
    public static byte[] Replay() => File.ReadAllBytes(Path.Combine(RepositoryPaths.WebRoot, "data", "replay.bin"));
}
