namespace Automation.Server.Hosting;

/// A setting the service cannot start without, or cannot start with; the message names the setting and how to give it.
public sealed class SettingException(string message) : Exception(message);
