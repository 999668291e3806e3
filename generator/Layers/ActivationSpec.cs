using System;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers
{
    /// <summary>Mirrors ModelGen.Activation; the runtime's numeric values are the contract.</summary>
    internal enum ActivationKind
    {
        Identity = 0,
        ReLU = 1,
        LeakyReLU = 2,
        Sigmoid = 3,
        Tanh = 4,
        Softmax = 5,
        ReLU6 = 6,
    }

    /// <summary>A layer's activation and, for LeakyReLU, its slope (0 otherwise, so equal layers compare equal).</summary>
    internal sealed record ActivationSpec(ActivationKind Kind, float Slope)
    {
        /// <summary>The one table of what the emitter writes for each activation; an unknown kind throws.</summary>
        public ActivationRow Row => ActivationTable.Of(this);
    }

    /// <summary>Everything the emitter writes for one activation. Expressions take the names they act on.</summary>
    /// <param name="Display">In comments: "ReLU", "LeakyReLU(0.1)".</param>
    /// <param name="SpecToken">In the saved spec string: "relu", "leaky_relu(0.1)".</param>
    /// <param name="ForwardFormula">y in terms of z, for comments; null for Identity and Softmax.</param>
    /// <param name="DerivativeFormula">dy/dz in terms of y, for comments; null when no backward step is needed.</param>
    /// <param name="ForwardCall">The in-place call on a span of values; null when there is nothing to do.</param>
    /// <param name="BackwardCall">The call turning dy into dz in place, given y and the deltas; null when dz = dy (or fused).</param>
    internal sealed record ActivationRow(
        string Display,
        string SpecToken,
        string? ForwardFormula,
        string? DerivativeFormula,
        Func<string, string>? ForwardCall,
        Func<string, string, string>? BackwardCall)
    {
        /// <summary>Whether backward reads the layer's output y (every activation with a derivative step).</summary>
        public bool NeedsOutputInBackward => BackwardCall is not null;
    }

    /// <summary>The activation table: one row per activation, built in one place.</summary>
    internal static class ActivationTable
    {
        private const string Rt = "global::ModelGen.Activations.";

        public static ActivationRow Of(ActivationSpec activation)
        {
            string slope = Format.FloatLiteral(activation.Slope);
            return activation.Kind switch
            {
                ActivationKind.Identity => new ActivationRow("Identity", "identity", null, null, null, null),
                ActivationKind.ReLU => new ActivationRow("ReLU", "relu", "max(z, 0)", "[y > 0]",
                    v => Rt + "ReLU(" + v + ");", (y, d) => Rt + "ReLUBackward(" + y + ", " + d + ");"),
                ActivationKind.LeakyReLU => new ActivationRow(
                    "LeakyReLU(" + Format.Float(activation.Slope) + ")", "leaky_relu(" + Format.Float(activation.Slope) + ")",
                    "z > 0 ? z : " + slope + " * z", "(y > 0 ? 1 : " + slope + ")",
                    v => Rt + "LeakyReLU(" + v + ", " + slope + ");", (y, d) => Rt + "LeakyReLUBackward(" + y + ", " + d + ", " + slope + ");"),
                ActivationKind.ReLU6 => new ActivationRow("ReLU6", "relu6", "min(max(z, 0), 6)", "[0 < y < 6]",
                    v => Rt + "ReLU6(" + v + ");", (y, d) => Rt + "ReLU6Backward(" + y + ", " + d + ");"),
                ActivationKind.Sigmoid => new ActivationRow("Sigmoid", "sigmoid", "1 / (1 + exp(-z))", "y (1 - y)",
                    v => Rt + "Sigmoid(" + v + ");", (y, d) => Rt + "SigmoidBackward(" + y + ", " + d + ");"),
                ActivationKind.Tanh => new ActivationRow("Tanh", "tanh", "tanh(z)", "(1 - y²)",
                    v => Rt + "Tanh(" + v + ");", (y, d) => Rt + "TanhBackward(" + y + ", " + d + ");"),
                // Softmax is applied row by row by the Dense output layer and differentiated fused with
                // the cross-entropy loss, so it has no element-wise calls here.
                ActivationKind.Softmax => new ActivationRow("Softmax", "softmax", null, null, null, null),
                _ => throw new InvalidOperationException("ModelGen has no activation table row for activation " + (int)activation.Kind + "."),
            };
        }
    }
}
