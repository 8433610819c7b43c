"""Facebook Pages under /facebook: api (feed, posts, insights), auth (Facebook Login, page
tokens), media (photos and videos). Graph errors are shared with Instagram (app.emulator.graph).
"""
