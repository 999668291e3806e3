namespace ModelGen;

/// <summary>
/// The naive reference for <see cref="Normalization"/>: one value at a time, statistics and gradients in double, each
/// formula written as documented. Kept beside the fast kernels so tests can check them. Not used by generated models.
/// </summary>
public static class NormalizationReference
{
    /// <summary>As <see cref="Normalization.BatchNormTraining"/>, without scratch: mean and biased variance per channel in double, xhat and y from them.</summary>
    public static void BatchNormTraining(ReadOnlySpan<float> x, Span<float> xhat, Span<float> y,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> batchInvStd,
        Span<float> runningMean, Span<float> runningVariance, float momentum, float epsilon, int rows, int channels)
    {
        if (rows < 2) throw new InvalidOperationException("BatchNormalization needs more than one value per channel in training.");
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int r = 0; r < rows; r++) sum += x[r * channels + c];
            double mean = sum / rows;
            double squares = 0;
            for (int r = 0; r < rows; r++)
            {
                double d = x[r * channels + c] - mean;
                squares += d * d;
            }
            double variance = squares / rows;
            double invStd = 1.0 / Math.Sqrt(variance + epsilon);
            batchInvStd[c] = (float)invStd;
            for (int r = 0; r < rows; r++)
            {
                int i = r * channels + c;
                double h = (x[i] - mean) * invStd;
                xhat[i] = (float)h;
                y[i] = (float)(gamma[c] * h + beta[c]);
            }
            runningMean[c] = (float)((1.0 - momentum) * runningMean[c] + momentum * mean);
            runningVariance[c] = (float)((1.0 - momentum) * runningVariance[c] + momentum * variance * rows / (rows - 1));
        }
    }

    /// <summary>As <see cref="Normalization.BatchNormInference"/>: y = gamma·(x − runningMean)/√(runningVariance + ε) + beta (xhat and batchInvStd when not empty).</summary>
    public static void BatchNormInference(ReadOnlySpan<float> x, Span<float> xhat, Span<float> y,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> batchInvStd,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance, float epsilon, int rows, int channels)
    {
        for (int c = 0; c < channels; c++)
        {
            double invStd = 1.0 / Math.Sqrt((double)runningVariance[c] + epsilon);
            if (!batchInvStd.IsEmpty) batchInvStd[c] = (float)invStd;
            for (int r = 0; r < rows; r++)
            {
                int i = r * channels + c;
                double h = (x[i] - (double)runningMean[c]) * invStd;
                if (!xhat.IsEmpty) xhat[i] = (float)h;
                y[i] = (float)(gamma[c] * h + beta[c]);
            }
        }
    }

    /// <summary>As <see cref="Normalization.BatchNormTrainingBackward"/>: dgamma = Σ dy·xhat, dbeta = Σ dy, dx = gamma·invStd/rows·(rows·dy − Σdy − xhat·Σ dy·xhat), in double.</summary>
    public static void BatchNormTrainingBackward(ReadOnlySpan<float> xhat, ReadOnlySpan<float> dy, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> batchInvStd, Span<float> gammaGradient, Span<float> betaGradient, Span<float> dx, int rows, int channels)
    {
        for (int c = 0; c < channels; c++)
        {
            double dySum = 0, dyXhatSum = 0;
            for (int r = 0; r < rows; r++)
            {
                dySum += dy[r * channels + c];
                dyXhatSum += (double)dy[r * channels + c] * xhat[r * channels + c];
            }
            gammaGradient[c] = (float)dyXhatSum;
            betaGradient[c] = (float)dySum;
            if (dx.IsEmpty) continue;
            double scale = (double)gamma[c] * batchInvStd[c] / rows;
            for (int r = 0; r < rows; r++)
            {
                int i = r * channels + c;
                dx[i] = (float)(scale * (rows * (double)dy[i] - dySum - xhat[i] * dyXhatSum));
            }
        }
    }

    /// <summary>As <see cref="Normalization.BatchNormInferenceBackward"/>: dgamma = Σ dy·xhat, dbeta = Σ dy, dx = dy·gamma·invStd.</summary>
    public static void BatchNormInferenceBackward(ReadOnlySpan<float> xhat, ReadOnlySpan<float> dy, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> batchInvStd, Span<float> gammaGradient, Span<float> betaGradient, Span<float> dx, int rows, int channels)
    {
        for (int c = 0; c < channels; c++)
        {
            double dySum = 0, dyXhatSum = 0;
            for (int r = 0; r < rows; r++)
            {
                dySum += dy[r * channels + c];
                dyXhatSum += (double)dy[r * channels + c] * xhat[r * channels + c];
            }
            gammaGradient[c] = (float)dyXhatSum;
            betaGradient[c] = (float)dySum;
            if (dx.IsEmpty) continue;
            for (int r = 0; r < rows; r++)
            {
                int i = r * channels + c;
                dx[i] = (float)((double)dy[i] * gamma[c] * batchInvStd[c]);
            }
        }
    }
}
