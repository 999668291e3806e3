using ModelGen.Serialization;

namespace ModelGen.Data.Tests;

/// <summary>The layouts' shapes, and their transpositions as exact inverses of each other.</summary>
public sealed class TensorLayoutTests
{
    public static TheoryData<string> Layouts() => ["linear", "after-image", "conv", "as-stored"];

    private static TensorLayout Create(string kind) => kind switch
    {
        "linear" => TensorLayout.Linear("w", 3, 7, 5),
        "after-image" => TensorLayout.LinearAfterImage("w", 3, 4, 3, 2, 5),
        "conv" => TensorLayout.Conv2D("w", 3, 3, 2, 3, 4),
        _ => new TensorLayout("w", 3, 2, 3, 4),
    };

    [Fact]
    public void Shapes_are_Keras_in_the_buffer_and_PyTorch_in_files()
    {
        TensorLayout linear = TensorLayout.Linear("a", 0, 7, 5);
        Assert.Equal([7, 5], linear.StoredShape);
        Assert.Equal([5, 7], linear.Shape);
        Assert.Equal(35, linear.Length);

        TensorLayout afterImage = TensorLayout.LinearAfterImage("b", 0, 4, 3, 2, 5);
        Assert.Equal([24, 5], afterImage.StoredShape);
        Assert.Equal([5, 24], afterImage.Shape);

        TensorLayout conv = TensorLayout.Conv2D("c", 0, 3, 2, 3, 4);
        Assert.Equal([3, 2, 3, 4], conv.StoredShape);
        Assert.Equal([4, 3, 3, 2], conv.Shape);
        Assert.False(conv.SavedAsStored);

        var bias = new TensorLayout("d", 0, 4);
        Assert.Equal([4], bias.Shape);
        Assert.Equal([4], bias.StoredShape);
        Assert.True(bias.SavedAsStored);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void FromSaved_undoes_ToSaved_and_every_value_moves_once(string kind)
    {
        TensorLayout layout = Create(kind);
        float[] stored = Enumerable.Range(1, layout.Length).Select(i => (float)i).ToArray();
        var saved = new float[layout.Length];
        layout.ToSaved(stored, saved);
        Assert.Equal(stored.Order(), saved.Order()); // a permutation: nothing lost or repeated
        Assert.Equal(kind == "as-stored", stored.SequenceEqual(saved));

        var back = new float[layout.Length];
        layout.FromSaved(saved, back);
        Assert.Equal(stored, back);
    }

    [Fact]
    public void The_constructor_keeps_its_own_copy_of_the_shape()
    {
        int[] shape = [2, 3];
        var layout = new TensorLayout("w", 0, shape);
        shape[0] = 9;
        Assert.Equal([2, 3], layout.Shape);
        Assert.Equal(6, layout.Length);
    }

    [Fact]
    public void Negative_dimensions_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorLayout.Linear("w", 0, -1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorLayout.Conv2D("w", 0, 3, 3, 1, -2));
    }
}
