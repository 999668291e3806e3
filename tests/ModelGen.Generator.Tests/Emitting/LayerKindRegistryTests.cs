using System.Reflection;
using ModelGen.Generator.Layers;

namespace ModelGen.Generator.Tests.Emitting;

/// <summary>
/// The generator's tables must be complete and must fail loudly on what they do not know: every runtime
/// layer attribute has a layer kind (or it would be silently ignored), and every activation has a row.
/// </summary>
public sealed class LayerKindRegistryTests
{
    private static readonly Assembly Runtime = typeof(LayerAttribute).Assembly;

    [Fact]
    public void Every_runtime_layer_attribute_has_exactly_one_kind()
    {
        var attributes = Runtime.GetTypes()
            // [Use] is a LayerAttribute (it has a Name and an Input) but no kind: the block expander replaces it by its block's layers.
            .Where(t => t.IsSubclassOf(typeof(LayerAttribute)) && !t.IsAbstract && t != typeof(UseAttribute))
            .Select(t => t.FullName!)
            .Order(StringComparer.Ordinal)
            .ToArray();
        var kinds = LayerKinds.All.Select(k => k.AttributeName).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(12, attributes.Length);
        Assert.Equal(attributes, kinds);
        foreach (LayerKind kind in LayerKinds.All) Assert.Same(kind, LayerKinds.ByAttributeName(kind.AttributeName));
        Assert.Null(LayerKinds.ByAttributeName("ModelGen.InputAttribute"));
        Assert.Equal(LayerKinds.All.Count, LayerKinds.All.Select(k => k.DefaultNamePrefix).Distinct().Count());
    }

    [Fact]
    public void Every_activation_has_a_row_and_an_unknown_one_throws()
    {
        foreach (ActivationKind kind in Enum.GetValues<ActivationKind>())
        {
            ActivationRow row = new ActivationSpec(kind, 0.1f).Row;
            Assert.False(string.IsNullOrEmpty(row.Display));
            Assert.False(string.IsNullOrEmpty(row.SpecToken));
            // An activation with a forward step must also have its backward step, and the reverse.
            Assert.Equal(row.ForwardCall is null, row.BackwardCall is null);
        }
        Assert.Equal(
            Enum.GetNames<Activation>().Order(StringComparer.Ordinal),
            Enum.GetNames<ActivationKind>().Order(StringComparer.Ordinal));
        Assert.Equal(Enum.GetValues<Activation>().Select(a => (int)a), Enum.GetValues<ActivationKind>().Select(a => (int)a));

        var exception = Assert.Throws<InvalidOperationException>(() => new ActivationSpec((ActivationKind)42, 0f).Row);
        Assert.Contains("42", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Padding_mirrors_the_runtime_enum()
    {
        // Explicit is the ONNX importer's own (pads as a file gives them): no attribute can ask for it.
        var declarable = Enum.GetValues<PaddingKind>().Where(p => p != PaddingKind.Explicit).ToArray();
        Assert.Equal(Enum.GetNames<Padding>(), declarable.Select(p => p.ToString()));
        Assert.Equal(Enum.GetValues<Padding>().Select(p => (int)p), declarable.Select(p => (int)p));
        Assert.False(Enum.IsDefined((Padding)(int)PaddingKind.Explicit));
    }
}
