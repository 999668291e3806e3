namespace ModelGen;

/// <summary>
/// Declares a reusable block of layers (a residual block, an inverted residual): a class with [Block] and layer
/// attributes, used in a [Model] (or another block) with <see cref="UseAttribute"/> as many times as needed. Its
/// first layer reads what precedes the [Use]; its layers name each other by their own names, name the block's
/// input as <see cref="Block.Input"/>, and may take <see cref="Block.Filters"/> and <see cref="Block.Stride"/>
/// where a number goes, which each [Use] sets. The block's output is its last layer's.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class BlockAttribute : Attribute;

/// <summary>
/// Inserts the layers of a [Block] class here, reading the layer declared just before (or <see cref="LayerAttribute.Input"/>).
/// Each use is named (<see cref="LayerAttribute.Name"/>, default "Block1", "Block2", …): its layers become
/// "&lt;use&gt;&lt;layer&gt;" in generated members (Stage2Block1Conv1Weights) and "&lt;use&gt;.&lt;layer&gt;" in saved tensor
/// names (Stage2Block1.Conv1.weight), as PyTorch names the modules of a submodule. Later layers name the use to read
/// the block's output.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class UseAttribute(Type block) : LayerAttribute
{
    /// <summary>The [Block] class.</summary>
    public Type Block { get; } = block;

    /// <summary>The value of <see cref="ModelGen.Block.Filters"/> in this use.</summary>
    public int Filters { get; set; }

    /// <summary>The value of <see cref="ModelGen.Block.Stride"/> in this use (default 1).</summary>
    public int Stride { get; set; } = 1;

    /// <summary>How many copies to chain, one after the other (default 1); copies after the first are named "&lt;use&gt;_2", "&lt;use&gt;_3", ….</summary>
    public int Repeat { get; set; } = 1;
}

/// <summary>The placeholders a [Block]'s layers use for what each [Use] sets.</summary>
public static class Block
{
    /// <summary>Stands for the [Use]'s <see cref="UseAttribute.Filters"/> wherever an int goes (a filter or unit count).</summary>
    public const int Filters = -1_000_001;

    /// <summary>Stands for the [Use]'s <see cref="UseAttribute.Stride"/> wherever an int goes.</summary>
    public const int Stride = -1_000_002;

    /// <summary>Names the block's input, as a layer's <see cref="LayerAttribute.Input"/> or among [Add] and [Concatenate] inputs.</summary>
    public const string Input = "(block input)";
}
