using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ModelGen.Serving;

/// <summary>
/// Loads every model before the server takes requests (a file that cannot be loaded stops the start with its
/// error), and turns readiness off as soon as shutdown begins, while requests in flight finish.
/// </summary>
internal sealed class ModelLoadingService(ModelRepository repository, IHostApplicationLifetime lifetime, ILogger<ModelLoadingService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (ServedModel model in repository.Models) model.Reload();
        lifetime.ApplicationStopping.Register(() =>
        {
            repository.MarkStopping();
            ServingLog.Stopping(logger);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
