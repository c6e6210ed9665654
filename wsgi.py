from gup import create_app

app = create_app()
