using AtomicDeploy.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

// Run from a release of the deploy folder, this keeps the Data Protection keys in shared/ (users
// stay logged in across deploys), answers /healthz, and under systemd takes the socket that
// deploy/helloweb.socket holds, so requests wait in its queue while the service restarts after a
// deploy. Started any other way (dotnet run), it does nothing. docs/kestrel.md shows the lines it
// stands for.
builder.AddAtomicDeploy();

var app = builder.Build();

app.UseDefaultFiles();
app.UseStaticFiles();
app.MapGet("/health", () => Results.Ok(new { status = "ok", version = typeof(Program).Assembly.GetName().Version?.ToString() }));

app.Run();
