namespace ModelGen.Serialization;

/// <summary>How a file lays out its tensors, which decides the shapes it must have and whether loading transposes.</summary>
internal enum SavedLayout
{
    /// <summary>"modelgen.layout": "pytorch": saved by ModelGen in PyTorch's state_dict layout.</summary>
    PyTorch,

    /// <summary>A modelgen.spec and no layout (or the old description): saved by ModelGen before it used PyTorch's layout, tensors as stored.</summary>
    Legacy,

    /// <summary>No ModelGen metadata: written by PyTorch (safetensors.torch.save_file(model.state_dict(), path)); PyTorch's layout, no spec to check.</summary>
    StateDict,
}

/// <summary>Decides a file's <see cref="SavedLayout"/> from its metadata, and words the shape errors for each.</summary>
internal static class SavedLayouts
{
    public const string LayoutKey = "modelgen.layout";

    /// <summary>The layout value new files carry.</summary>
    public const string PyTorchValue = "pytorch";

    /// <summary>What ModelGen wrote as its layout before files followed PyTorch's: such files hold tensors as stored.</summary>
    public const string LegacyValue = "weights [inputs, units] row-major";

    // Metadata keys are ModelGen's when they start with this: a file with any of them was written by ModelGen.
    private const string ModelGenPrefix = "modelgen.";

    /// <summary>The layout of a file with this metadata (null: none), after checking that it holds the network <paramref name="spec"/>.</summary>
    public static SavedLayout Decide(Dictionary<string, string>? metadata, string spec, string path)
    {
        if (metadata is null || !metadata.Keys.Any(key => key.StartsWith(ModelGenPrefix, StringComparison.Ordinal)))
            return SavedLayout.StateDict;

        if (!metadata.TryGetValue(SafeTensorsHeader.SpecKey, out string? fileSpec))
            throw new ModelFileException(path, $"{SafeTensorsHeader.MetadataKey} has no {SafeTensorsHeader.SpecKey}, so it does not say which network it holds");
        if (fileSpec != spec)
            throw new ModelFileException(path, $"the file holds the network \"{SafeTensorsText.Show(fileSpec)}\"; this model is \"{spec}\"");

        if (!metadata.TryGetValue(LayoutKey, out string? layout) || layout == LegacyValue) return SavedLayout.Legacy;
        if (layout == PyTorchValue) return SavedLayout.PyTorch;
        throw new ModelFileException(path,
            $"{LayoutKey} is \"{SafeTensorsText.Show(layout)}\"; this version of ModelGen reads \"{PyTorchValue}\", \"{LegacyValue}\" or files without {LayoutKey}");
    }

    /// <summary>The shape <paramref name="tensor"/> has in a file of this layout.</summary>
    public static IReadOnlyList<int> ShapeInFile(this SavedLayout layout, TensorLayout tensor) =>
        layout == SavedLayout.Legacy ? tensor.StoredShape : tensor.Shape;

    /// <summary>Whether loading must transpose the file's values into the buffer's order.</summary>
    public static bool Transposes(this SavedLayout layout, TensorLayout tensor) =>
        layout != SavedLayout.Legacy && !tensor.SavedAsStored;

    /// <summary>The problem with a tensor of shape <paramref name="found"/>, which differs from <see cref="ShapeInFile"/>; says what would fit.</summary>
    public static string WrongShape(this SavedLayout layout, TensorLayout tensor, string found)
    {
        string stored = SafeTensorsText.List(tensor.StoredShape.Select(d => (long)d));
        string saved = SafeTensorsText.List(tensor.Shape.Select(d => (long)d));
        string problem = $"tensor '{tensor.Name}' has shape {found}";
        // Where both layouts agree (biases) there is only one shape to ask for.
        if (stored == saved) return $"{problem}; this model needs {saved}";
        if (layout != SavedLayout.Legacy) return $"{problem}; this model needs {saved} (PyTorch's layout)";
        if (found == saved)
            return $"{problem}, PyTorch's layout, but the file's {SafeTensorsHeader.MetadataKey} lacks \"{LayoutKey}\": \"{PyTorchValue}\"; add it to load the file";
        return $"{problem}; this model needs {stored} in a file without \"{LayoutKey}\" (as ModelGen saved before) or {saved} with \"{LayoutKey}\": \"{PyTorchValue}\"";
    }
}
