using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing
{
    /// <summary>
    /// One layer attribute after the blocks are expanded: its final name, the names of the tensors it
    /// reads, and the values its block's [Use] sets. The resolver turns it into a <see cref="LayerSpec"/>.
    /// </summary>
    internal sealed class LayerDeclaration
    {
        public LayerDeclaration(RawAttribute data, LocationInfo? location, LayerKind kind, string name, string? savedName,
            string[] inputs, BlockValues? block)
        {
            Data = data;
            Location = location;
            Kind = kind;
            Name = name;
            SavedName = savedName;
            Inputs = inputs;
            Block = block;
        }

        public RawAttribute Data { get; }

        public LocationInfo? Location { get; }

        public LayerKind Kind { get; }

        /// <summary>The layer's name in generated members: its own, after its uses' names ("Stage2Block1Conv1").</summary>
        public string Name { get; }

        /// <summary>Its saved tensors' prefix when inside a block ("Stage2Block1.Conv1"), as PyTorch names a submodule's; else null.</summary>
        public string? SavedName { get; }

        /// <summary>What it reads: layer names (final) or the input's name, in order.</summary>
        public string[] Inputs { get; }

        /// <summary>The values of Block.Filters and Block.Stride, inside a block.</summary>
        public BlockValues? Block { get; }

        public AttributeArguments Arguments() => new AttributeArguments(Data, Block);
    }
}
