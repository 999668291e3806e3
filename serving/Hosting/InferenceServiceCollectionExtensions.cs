using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelGen.Serving.Http;

namespace ModelGen.Serving;

/// <summary>
/// Registration in ASP.NET Core's style: <c>builder.Services.AddInferenceModel&lt;MnistMlp, MnistMlp.Workspace&gt;("mnist", o =&gt; o.ModelPath = path)</c>,
/// then <c>app.MapInferenceProtocol()</c>.
/// </summary>
public static class InferenceServiceCollectionExtensions
{
    /// <summary>
    /// Serves the generated model <typeparamref name="TModel"/> as <paramref name="name"/>: a new instance loads
    /// <see cref="ServedModelOptions.ModelPath"/> at start-up and on each change of the file.
    /// </summary>
    public static IServiceCollection AddInferenceModel<TModel, TWorkspace>(this IServiceCollection services, string name,
        Action<ServedModelOptions>? configure = null)
        where TModel : class, IModel<TWorkspace>, new()
        where TWorkspace : class, IWorkspace =>
        services.AddInferenceModel(name, LoadGenerated<TModel, TWorkspace>, configure);

    /// <summary>Serves whatever <paramref name="loader"/> loads (another engine, or a model made another way) as <paramref name="name"/>.</summary>
    public static IServiceCollection AddInferenceModel(this IServiceCollection services, string name, BackendLoader loader,
        Action<ServedModelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(loader);
        CheckName(name);
        var options = new ServedModelOptions();
        configure?.Invoke(options);
        options.Validate(name);
        services.AddInferenceServer();
        services.AddSingleton(new ModelRegistration(name, options, loader));
        return services;
    }

    /// <summary>The server's shared services and settings; AddInferenceModel calls it, so call it yourself only to configure.</summary>
    public static IServiceCollection AddInferenceServer(this IServiceCollection services, Action<InferenceServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null) services.Configure(configure);
        if (services.Any(d => d.ServiceType == typeof(ModelRepository))) return services;
        services.AddOptions<InferenceServerOptions>();
        services.AddMetrics();
        services.TryAddSingleton<ServingMetrics>();
        services.TryAddSingleton(provider => new ModelRepository(provider.GetServices<ModelRegistration>(),
            provider.GetRequiredService<IOptions<InferenceServerOptions>>(), provider.GetRequiredService<ServingMetrics>(),
            provider.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton<InferenceGate>();
        services.TryAddSingleton(provider => new InferenceRunner(provider.GetRequiredService<InferenceGate>()));
        services.TryAddSingleton<InferEndpoint>();
        services.TryAddSingleton<MetadataEndpoints>();
        // Loading first: the watcher starts from the versions loaded at start-up.
        services.AddHostedService<ModelLoadingService>();
        services.AddHostedService<ModelFileWatcher>();
        return services;
    }

    /// <summary>A generated model from its file, or as constructed when there is none.</summary>
    public static IInferenceBackend LoadGenerated<TModel, TWorkspace>(ModelLoadContext context)
        where TModel : class, IModel<TWorkspace>, new()
        where TWorkspace : class, IWorkspace
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = new TModel();
        if (context.Path is not null) model.Load(context.Path);
        return new GeneratedModelBackend<TWorkspace>(model, context.MaxConcurrency, context.MaxBatchSize);
    }

    // The name is a path segment: letters, digits, '-', '_' and '.' keep it one without escaping.
    private static void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ArgumentException($"A model's name must be letters, digits, '-', '_' or '.', not '{name}'.", nameof(name));
    }
}
