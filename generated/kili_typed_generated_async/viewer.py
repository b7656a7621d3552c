from .base_model import BaseModel
from .fragments import UserCore


class Viewer(BaseModel):
    viewer: "ViewerViewer"


ViewerViewer = UserCore
