namespace ModelGen.Tests.Reference;

/// <summary>The activation of one layer of the reference network.</summary>
public enum RefActivation { Identity, ReLU, LeakyReLU, Sigmoid, Tanh, Softmax }

/// <summary>One dense layer of the reference network: W [inputs, units] row-major, then b [units].</summary>
public sealed record RefLayer(int Inputs, int Units, RefActivation Activation, double Slope = 0);

/// <summary>
/// An independent, deliberately plain implementation of a dense network's forward pass and loss in
/// double precision, written from the textbook formulas (no shared code with the runtime). Tests use it
/// as the reference for forward outputs and, through central differences, for gradients.
/// </summary>
public sealed class ReferenceNetwork(int inputSize, IReadOnlyList<RefLayer> layers, bool crossEntropy)
{
    public int InputSize { get; } = inputSize;
    public IReadOnlyList<RefLayer> Layers { get; } = layers;
    public bool CrossEntropy { get; } = crossEntropy;
    public int ParameterCount => Layers.Sum(l => l.Inputs * l.Units + l.Units);
    public int OutputSize => Layers[^1].Units;

    /// <summary>The network's outputs for each sample, [batch, OutputSize].</summary>
    public double[] Forward(double[] parameters, double[] inputs, int batch)
    {
        var outputs = new double[batch * OutputSize];
        for (int s = 0; s < batch; s++)
        {
            double[] a = inputs.AsSpan(s * InputSize, InputSize).ToArray();
            int offset = 0;
            foreach (RefLayer layer in Layers)
            {
                var z = new double[layer.Units];
                for (int u = 0; u < layer.Units; u++)
                {
                    double sum = parameters[offset + layer.Inputs * layer.Units + u];
                    for (int i = 0; i < layer.Inputs; i++) sum += a[i] * parameters[offset + i * layer.Units + u];
                    z[u] = sum;
                }
                a = Activate(z, layer);
                offset += layer.Inputs * layer.Units + layer.Units;
            }
            a.CopyTo(outputs, s * OutputSize);
        }
        return outputs;
    }

    /// <summary>The mean loss over the batch: cross-entropy against class labels, or MSE against targets.</summary>
    public double Loss(double[] parameters, double[] inputs, int batch, int[]? labels, double[]? targets)
    {
        double[] outputs = Forward(parameters, inputs, batch);
        double total = 0;
        if (CrossEntropy)
        {
            for (int s = 0; s < batch; s++) total -= Math.Log(outputs[s * OutputSize + labels![s]]);
            return total / batch;
        }
        for (int i = 0; i < outputs.Length; i++) total += (outputs[i] - targets![i]) * (outputs[i] - targets[i]);
        return total / outputs.Length;
    }

    /// <summary>
    /// dLoss/dParameter by central differences, h = 1e-6, in double, for the parameters listed in
    /// <paramref name="which"/> (all when null); the others are left NaN.
    /// </summary>
    public double[] NumericalGradient(double[] parameters, double[] inputs, int batch, int[]? labels, double[]? targets,
        IEnumerable<int>? which = null)
    {
        const double h = 1e-6;
        var gradient = new double[parameters.Length];
        Array.Fill(gradient, double.NaN);
        var p = (double[])parameters.Clone();
        foreach (int k in which ?? Enumerable.Range(0, p.Length))
        {
            double saved = p[k];
            p[k] = saved + h;
            double up = Loss(p, inputs, batch, labels, targets);
            p[k] = saved - h;
            double down = Loss(p, inputs, batch, labels, targets);
            p[k] = saved;
            gradient[k] = (up - down) / (2 * h);
        }
        return gradient;
    }

    private static double[] Activate(double[] z, RefLayer layer)
    {
        var y = new double[z.Length];
        switch (layer.Activation)
        {
            case RefActivation.Softmax:
                double max = z.Max();
                double sum = z.Sum(v => Math.Exp(v - max));
                for (int i = 0; i < z.Length; i++) y[i] = Math.Exp(z[i] - max) / sum;
                break;
            default:
                for (int i = 0; i < z.Length; i++)
                {
                    y[i] = layer.Activation switch
                    {
                        RefActivation.ReLU => Math.Max(z[i], 0),
                        RefActivation.LeakyReLU => z[i] > 0 ? z[i] : layer.Slope * z[i],
                        RefActivation.Sigmoid => 1 / (1 + Math.Exp(-z[i])),
                        RefActivation.Tanh => Math.Tanh(z[i]),
                        _ => z[i],
                    };
                }
                break;
        }
        return y;
    }
}
