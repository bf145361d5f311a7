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

// What the app writes at run time goes into a declared shared folder (wwwroot/uploads/ in the
// csproj), never into its release: curl --data-binary @photo.jpg http://localhost:5000/upload/photo.jpg
app.MapPost("/upload/{name}", async (string name, HttpRequest request, IWebHostEnvironment environment) =>
{
    if (name != Path.GetFileName(name) || name.StartsWith('.'))
    {
        return Results.BadRequest("a plain file name");
    }

    var folder = Path.Combine(environment.WebRootPath, "uploads");
    Directory.CreateDirectory(folder);
    await using var file = File.Create(Path.Combine(folder, name));
    await request.Body.CopyToAsync(file);
    return Results.Created($"/uploads/{name}", null);
});
app.MapGet("/health", () => Results.Ok(new { status = "ok", version = typeof(Program).Assembly.GetName().Version?.ToString() }));

app.Run();
