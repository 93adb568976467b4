namespace Automation.Workflows.Validation;

/// One problem in a workflow file: the file, the activity (when one is at fault), the JSON path and what is wrong.
public sealed record ValidationError(string File, string? ActivityId, string JsonPath, string Message)
{
    /// One line, as the `validate` command prints it: `paid.json: $.root.activities[3].text (activity 'a3'): message`.
    public override string ToString() =>
        ActivityId is null ? $"{File}: {JsonPath}: {Message}" : $"{File}: {JsonPath} (activity '{ActivityId}'): {Message}";
}

/// Collects the errors of one file.
internal sealed class ValidationReport(string file)
{
    private readonly List<ValidationError> _errors = [];

    public string File { get; } = file;
    public IReadOnlyList<ValidationError> Errors => _errors;

    public void Add(string jsonPath, string message, string? activityId = null) =>
        _errors.Add(new ValidationError(File, string.IsNullOrEmpty(activityId) ? null : activityId, jsonPath, message));
}
